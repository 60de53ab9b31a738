/** Rows as stored in DuckDB (see store-schema.ts). JSON columns hold JSON text. */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  traceState: string;
  flags: number;
  service: string;
  name: string;
  /** `METHOD http.route` for HTTP server spans with a route, else the span name. */
  operation: string;
  kind: number;
  startNs: bigint;
  endNs: bigint;
  statusCode: number;
  statusMessage: string;
  scopeName: string;
  scopeVersion: string;
  attributes: string;
  resource: string;
  events: string;
  links: string;
}

export interface LogRow {
  timeNs: bigint;
  observedNs: bigint;
  service: string;
  severityNumber: number;
  severityText: string;
  body: string;
  bodyIsJson: boolean;
  traceId: string;
  spanId: string;
  flags: number;
  attributes: string;
  resource: string;
  scopeName: string;
  scopeVersion: string;
  eventName: string;
}

export interface PointRow {
  name: string;
  type: 'sum' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary';
  unit: string;
  description: string;
  monotonic: boolean;
  temporality: '' | 'delta' | 'cumulative';
  service: string;
  scopeName: string;
  scopeVersion: string;
  attributes: string;
  resource: string;
  startNs: bigint;
  timeNs: bigint;
  value: number | null;
  count: number | null;
  sum: number | null;
  min: number | null;
  max: number | null;
  /** JSON: explicit bounds (histogram) */
  bounds: string | null;
  /** JSON: bucket counts (histogram), or {scale, zeroCount, zeroThreshold, positive, negative} (exponential) */
  buckets: string | null;
  /** JSON: [[quantile, value], …] (summary) */
  quantiles: string | null;
  exemplars: string | null;
  flags: number;
}

/** One decoded, validated request, ready to append. */
export interface RowBatch {
  spans: SpanRow[];
  logs: LogRow[];
  points: PointRow[];
  /** Items refused (older than the retention window); reported through partial_success. */
  rejected: number;
  rejectedReason: string;
}

export const emptyBatch = (): RowBatch => ({ spans: [], logs: [], points: [], rejected: 0, rejectedReason: '' });

export const batchSize = (b: RowBatch) => b.spans.length + b.logs.length + b.points.length;
