// The JS Prometheus exporter does not add unit suffixes; Prometheus, Mimir and the OpenTelemetry Collector do
// (`http.server.request.duration` [s] → `http_server_request_duration_seconds_bucket`). Our dashboards and alert rules
// query the translated names, so /metrics serves them too.
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';

const UNIT_SUFFIX: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  '1': 'ratio',
  '%': 'percent',
  min: 'minutes',
  h: 'hours',
  d: 'days',
};

function sanitize(name: string): string {
  return name.replace(/[^a-zA-Z0-9_:]/g, '_').replace(/_{2,}/g, '_');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Rewrites metric names in Prometheus text so they end with their unit (before `_total`/`_bucket`/…). */
export function addUnitSuffixes(text: string, data: ResourceMetrics): string {
  let out = text;
  for (const scope of data.scopeMetrics) {
    for (const metric of scope.metrics) {
      const unit = metric.descriptor.unit;
      const suffix = unit ? UNIT_SUFFIX[unit] : undefined;
      // '1' means ratio only for gauges; counters of things ({request}) and unknown units stay as they are
      if (!suffix || (unit === '1' && metric.dataPointType !== 2)) continue;
      const base = sanitize(metric.descriptor.name).replace(/_total$/, '');
      if (base.endsWith(`_${suffix}`)) continue;
      const re = new RegExp(
        `^((?:# (?:HELP|TYPE|UNIT) )?)${escapeRegExp(base)}(_total|_bucket|_sum|_count)?(?=[ {])`,
        'gm',
      );
      out = out.replace(re, `$1${base}_${suffix}$2`);
    }
  }
  return out;
}
