import { DEPRECATED_SEMCONV_METRICS, type DeprecatedMetric, SEMCONV_METRIC_NAMES } from './semconv-metric-names.js';

// Names removed from the conventions before the package's deprecation notes start; still common in older SDKs.
const LEGACY_METRICS: Array<[string, DeprecatedMetric]> = [
  ['http.server.duration', { replacement: 'http.server.request.duration', unit: 's' }],
  ['http.client.duration', { replacement: 'http.client.request.duration', unit: 's' }],
  ['http.server.request.size', { replacement: 'http.server.request.body.size' }],
  ['http.server.response.size', { replacement: 'http.server.response.body.size' }],
  ['http.client.request.size', { replacement: 'http.client.request.body.size' }],
  ['http.client.response.size', { replacement: 'http.client.response.body.size' }],
  ['process.runtime.nodejs.event_loop.lag', { replacement: 'nodejs.eventloop.delay.p99', unit: 's' }],
];
const DEPRECATED = new Map<string, DeprecatedMetric>([...DEPRECATED_SEMCONV_METRICS, ...LEGACY_METRICS]);

/** Namespaces the semantic conventions own: a metric named inside one should be one of theirs. */
export const SEMCONV_NAMESPACES = [
  'http',
  'rpc',
  'db',
  'messaging',
  'url',
  'network',
  'server',
  'client',
  'dns',
  'nodejs',
  'v8js',
  'jvm',
  'dotnet',
  'go',
  'cpython',
  'process',
  'system',
  'container',
  'k8s',
  'faas',
  'gen_ai',
  'kestrel',
  'signalr',
  'aspnetcore',
];

const byUnderscore = new Map<string, string>();
for (const name of [...SEMCONV_METRIC_NAMES, ...DEPRECATED.keys()]) byUnderscore.set(name.replace(/\./g, '_'), name);

export type SemconvStatus =
  | { status: 'current'; name: string }
  | { status: 'deprecated'; name: string; deprecation: DeprecatedMetric }
  | { status: 'unknown'; namespace: string }
  | { status: 'outside' };

/** Looks an OpenTelemetry-form name up in the conventions. */
export function semconvStatus(otelName: string): SemconvStatus {
  if (SEMCONV_METRIC_NAMES.has(otelName)) return { status: 'current', name: otelName };
  const deprecation = DEPRECATED.get(otelName);
  if (deprecation) return { status: 'deprecated', name: otelName, deprecation };
  const namespace = otelName.split('.')[0] ?? '';
  if (otelName.includes('.') && SEMCONV_NAMESPACES.includes(namespace)) return { status: 'unknown', namespace };
  return { status: 'outside' };
}

/** Looks a Prometheus base name (suffixes removed, `http_server_request_duration`) up in the conventions. */
export function semconvStatusOfPrometheus(baseName: string): SemconvStatus {
  const dotted = byUnderscore.get(baseName);
  if (dotted) return semconvStatus(dotted);
  const namespace = SEMCONV_NAMESPACES.find((ns) => baseName.startsWith(`${ns}_`));
  return namespace ? { status: 'unknown', namespace } : { status: 'outside' };
}

/** Closest current names sharing the longest prefix, for "did you mean" hints. */
export function similarSemconvNames(otelName: string, max = 3): string[] {
  const parts = otelName.split('.');
  for (let n = parts.length - 1; n >= 1; n--) {
    const prefix = `${parts.slice(0, n).join('.')}.`;
    const hits = [...SEMCONV_METRIC_NAMES].filter((m) => m.startsWith(prefix));
    if (hits.length > 0) return hits.slice(0, max);
  }
  return [];
}

/** UCUM unit → Prometheus name suffix, as the OpenTelemetry Prometheus exporter translates it. */
export const UNIT_TO_PROM_SUFFIX: Record<string, string> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  min: 'minutes',
  h: 'hours',
  d: 'days',
  By: 'bytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  '1': 'ratio',
  '%': 'percent',
  Hz: 'hertz',
  Cel: 'celsius',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
};

/** Prometheus unit words that may end a name, longest first so `milliseconds` wins over `seconds`. */
export const PROM_UNIT_WORDS = Object.values(UNIT_TO_PROM_SUFFIX).sort((a, b) => b.length - a.length);

/** Splits `http_server_request_duration_seconds_total` into base `http_server_request_duration` and unit `seconds`. */
export function splitPrometheusName(name: string): { base: string; unitWord?: string; total: boolean } {
  let rest = name;
  const total = rest.endsWith('_total');
  if (total) rest = rest.slice(0, -'_total'.length);
  for (const word of PROM_UNIT_WORDS) {
    if (rest.endsWith(`_${word}`)) return { base: rest.slice(0, -word.length - 1), unitWord: word, total };
  }
  return { base: rest, total };
}

/** Translates an OpenTelemetry metric to its Prometheus name (the translation Mimir and our dashboards use). */
export function toPrometheusName(otelName: string, unit: string | undefined, monotonicCounter: boolean): string {
  let name = otelName.replace(/[^a-zA-Z0-9_:]/g, '_');
  const suffix = unit ? UNIT_TO_PROM_SUFFIX[unit] : undefined;
  if (suffix && !name.endsWith(`_${suffix}`)) name += `_${suffix}`;
  if (monotonicCounter && !name.endsWith('_total')) name += '_total';
  return name;
}
