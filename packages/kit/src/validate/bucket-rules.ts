import type { MetricFamily } from './metric-model.js';
import { finding } from './naming-rules.js';
import type { Finding } from './rule-catalog.js';

/** The bucket advice of the HTTP semantic conventions for durations in seconds. */
export const SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

function unitOf(metric: MetricFamily): string | undefined {
  if (metric.form === 'otel') return metric.unit;
  if (/_seconds(_|$)/.test(metric.name)) return 's';
  if (/_(milliseconds|ms)(_|$)/.test(metric.name)) return 'ms';
  if (/_bytes(_|$)/.test(metric.name)) return 'By';
  return metric.unit;
}

/** Histogram bounds that cannot resolve the values the unit implies. */
export function bucketFindings(metric: MetricFamily): Finding[] {
  const bounds = metric.bucketBounds;
  if (metric.kind !== 'histogram' || !bounds || bounds.length === 0) return [];
  const out: Finding[] = [];
  for (let i = 1; i < bounds.length; i++) {
    if ((bounds[i] ?? 0) <= (bounds[i - 1] ?? 0)) {
      out.push(
        finding(
          'buckets',
          metric,
          `${metric.name}: bucket bounds are not strictly increasing (${bounds.join(', ')})`,
          'sort the bounds and remove duplicates',
        ),
      );
      return out;
    }
  }
  const positive = bounds.filter((b) => b > 0);
  const smallest = positive[0];
  const largest = bounds[bounds.length - 1] ?? 0;
  const unit = unitOf(metric);
  if (unit === 's' && smallest !== undefined && (smallest >= 1 || largest > 1000)) {
    out.push(
      finding(
        'buckets',
        metric,
        `${metric.name}: seconds histogram with bounds ${smallest}…${largest}, which look like milliseconds (most requests land in the first bucket)`,
        `set explicit bucket boundaries [${SECONDS_BUCKETS.join(', ')}]`,
      ),
    );
  } else if (unit === 'ms' && largest <= 10) {
    out.push(
      finding(
        'buckets',
        metric,
        `${metric.name}: millisecond histogram whose largest bound is ${largest} ms, which looks like seconds`,
        'record seconds with the seconds bounds, or scale the bounds by 1000',
      ),
    );
  } else if (unit === 'By' && largest < 1024) {
    out.push(
      finding(
        'buckets',
        metric,
        `${metric.name}: byte-size histogram whose largest bound is ${largest} bytes`,
        'use powers of 2 up to the largest expected size (e.g. 1024 … 16777216)',
      ),
    );
  }
  if (bounds.length < 3) {
    out.push(
      finding(
        'buckets',
        metric,
        `${metric.name}: only ${bounds.length} bucket bound(s); percentiles cannot be estimated`,
        `use at least 8 bounds spread over the expected range`,
      ),
    );
  }
  return out;
}
