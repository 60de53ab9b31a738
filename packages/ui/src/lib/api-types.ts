// Payload shapes of the query API (docs/query-api.md). The UI reads nothing else from the server.

export interface RedRow {
  name: string;
  spanKind?: string;
  requests: number;
  rate: number;
  errors: number;
  errorRatio: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface SeriesPoint {
  t: number;
  rate: number;
  errorRatio: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

export interface TraceSummary {
  traceId: string;
  rootService: string;
  rootName: string;
  startMs: number;
  durationMs: number;
  spanCount: number;
  errorCount: number;
  services: string[];
}

export interface OtlpAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
  bytesValue?: string;
}

export interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}

export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpKeyValue[];
  events?: { timeUnixNano: string; name: string; attributes?: OtlpKeyValue[] }[];
  links?: { traceId: string; spanId: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}

export interface OtlpTrace {
  resourceSpans: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: { scope?: { name?: string; version?: string }; spans?: OtlpSpan[] }[];
  }[];
}

export interface LogRow {
  id: string;
  timeMs: number;
  service: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  traceId?: string;
  spanId?: string;
  attributes?: Record<string, unknown>;
  resource?: Record<string, unknown>;
}

export interface MetricInfo {
  name: string;
  type: 'sum' | 'gauge' | 'histogram' | 'exponential_histogram' | 'summary';
  unit: string;
  description: string;
  monotonic?: boolean;
  temporality?: string;
  services?: string[];
}

export interface MetricSeries {
  labels: Record<string, string>;
  points: [number, number | null][];
}

export interface HeatmapSeries {
  labels: Record<string, string>;
  points: [number, number[]][];
}
