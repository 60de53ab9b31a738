import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The OTLP message types, loaded once from ../proto/otlp.proto. protobufjs compiles a decoder per type on first use,
 * so decoding is generated code, not reflection.
 */
const root = protobuf.loadSync(fileURLToPath(new URL('../proto/otlp.proto', import.meta.url)));
const t = (name: string) => root.lookupType(`opentelemetry.proto.${name}`);

export const ExportTraceServiceRequest = t('ExportTraceServiceRequest');
export const ExportTraceServiceResponse = t('ExportTraceServiceResponse');
export const ExportLogsServiceRequest = t('ExportLogsServiceRequest');
export const ExportLogsServiceResponse = t('ExportLogsServiceResponse');
export const ExportMetricsServiceRequest = t('ExportMetricsServiceRequest');
export const ExportMetricsServiceResponse = t('ExportMetricsServiceResponse');
export const RpcStatus = t('RpcStatus');
export const RetryInfo = t('RetryInfo');

export type Signal = 'traces' | 'logs' | 'metrics';

export const REQUEST_TYPES: Record<Signal, protobuf.Type> = {
  traces: ExportTraceServiceRequest,
  logs: ExportLogsServiceRequest,
  metrics: ExportMetricsServiceRequest,
};
export const RESPONSE_TYPES: Record<Signal, protobuf.Type> = {
  traces: ExportTraceServiceResponse,
  logs: ExportLogsServiceResponse,
  metrics: ExportMetricsServiceResponse,
};
/** Field of the partial_success message that counts rejected items, per signal. */
export const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

// ---- decoded shapes (protobufjs camelCase; int64 as Long, bytes as Uint8Array) ----
/** Already-converted attributes (the hand-written decoder's output); see otlp-values.ts. */
export type AttrMapLike = { [k: string]: unknown };

export interface LongLike {
  low: number;
  high: number;
  unsigned?: boolean;
}
export type Int64 = LongLike | number | string | bigint | null | undefined;
export interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: Uint8Array;
  value?: string;
}
export interface KeyValue {
  key: string;
  value?: AnyValue | null;
}
export interface Scope {
  name?: string;
  version?: string;
  attributes?: KeyValue[];
}
export interface Resource {
  attributes?: KeyValue[] | AttrMapLike;
}
export interface SpanMsg {
  traceId: Uint8Array;
  spanId: Uint8Array;
  traceState?: string;
  parentSpanId?: Uint8Array;
  flags?: number;
  name: string;
  kind?: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes?: KeyValue[] | AttrMapLike;
  droppedAttributesCount?: number;
  events?: { timeUnixNano: Int64; name: string; attributes?: KeyValue[] | AttrMapLike }[];
  links?: {
    traceId: Uint8Array;
    spanId: Uint8Array;
    traceState?: string;
    attributes?: KeyValue[] | AttrMapLike;
    flags?: number;
  }[];
  status?: { message?: string; code?: number } | null;
}
export interface TracesRequest {
  resourceSpans?: { resource?: Resource | null; scopeSpans?: { scope?: Scope | null; spans?: SpanMsg[] }[] }[];
}
export interface LogMsg {
  timeUnixNano: Int64;
  observedTimeUnixNano: Int64;
  severityNumber?: number;
  severityText?: string;
  body?: AnyValue | null;
  attributes?: KeyValue[] | AttrMapLike;
  flags?: number;
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  eventName?: string;
}
export interface LogsRequest {
  resourceLogs?: { resource?: Resource | null; scopeLogs?: { scope?: Scope | null; logRecords?: LogMsg[] }[] }[];
}
export interface ExemplarMsg {
  filteredAttributes?: KeyValue[];
  timeUnixNano: Int64;
  asDouble?: number;
  asInt?: Int64;
  spanId?: Uint8Array;
  traceId?: Uint8Array;
}
export interface PointMsg {
  attributes?: KeyValue[];
  startTimeUnixNano: Int64;
  timeUnixNano: Int64;
  asDouble?: number;
  asInt?: Int64;
  value?: string;
  count?: Int64;
  sum?: number | null;
  min?: number | null;
  max?: number | null;
  bucketCounts?: Int64[];
  explicitBounds?: number[];
  scale?: number;
  zeroCount?: Int64;
  zeroThreshold?: number;
  positive?: { offset?: number; bucketCounts?: Int64[] } | null;
  negative?: { offset?: number; bucketCounts?: Int64[] } | null;
  quantileValues?: { quantile: number; value: number }[];
  exemplars?: ExemplarMsg[];
  flags?: number;
}
export interface MetricMsg {
  name: string;
  description?: string;
  unit?: string;
  data?: string;
  gauge?: { dataPoints?: PointMsg[] } | null;
  sum?: { dataPoints?: PointMsg[]; aggregationTemporality?: number; isMonotonic?: boolean } | null;
  histogram?: { dataPoints?: PointMsg[]; aggregationTemporality?: number } | null;
  exponentialHistogram?: { dataPoints?: PointMsg[]; aggregationTemporality?: number } | null;
  summary?: { dataPoints?: PointMsg[] } | null;
}
export interface MetricsRequest {
  resourceMetrics?: { resource?: Resource | null; scopeMetrics?: { scope?: Scope | null; metrics?: MetricMsg[] }[] }[];
}
