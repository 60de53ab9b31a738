/**
 * One metric as the validator sees it, whatever it was read from. `form` says which naming world the name lives in:
 * Prometheus exposition (`http_server_request_duration_seconds`) or OpenTelemetry (`http.server.request.duration`).
 */
export type MetricForm = 'prometheus' | 'otel';

export type MetricKind =
  | 'counter'
  | 'updowncounter'
  | 'gauge'
  | 'histogram'
  | 'exponential_histogram'
  | 'summary'
  | 'unknown';

export interface MetricFamily {
  name: string;
  form: MetricForm;
  kind: MetricKind;
  /** UCUM unit (`s`, `By`, `{request}`) for OTel metrics; the `# UNIT` line for OpenMetrics; undefined when not declared. */
  unit?: string;
  description?: string;
  /** Attribute (label) key → distinct values seen, capped at `MAX_VALUES_KEPT` per key. */
  attributes: Map<string, Set<string>>;
  /** Explicit histogram bucket upper bounds (without +Inf), when known. */
  bucketBounds?: number[];
  /** Where the metric was declared: 1-based line in the input file, when the input has lines. */
  line?: number;
}

export const MAX_VALUES_KEPT = 1000;

export interface MetricInput {
  /** What was read, for reports: a file path, URL or `sightline store`. */
  source: string;
  metrics: MetricFamily[];
}

export function addAttributeValue(family: MetricFamily, key: string, value: string): void {
  let values = family.attributes.get(key);
  if (!values) {
    values = new Set();
    family.attributes.set(key, values);
  }
  if (values.size < MAX_VALUES_KEPT) values.add(value);
}
