// OTLP/JSON bodies (`http/json`) for spans, log records and metrics: the protobuf messages in the JSON mapping the
// OTLP specification gives (lowerCamelCase keys, ids as hex, enums as integers, 64-bit integers as decimal strings so
// none loses precision, other bytes as base64, NaN/Infinity as strings). Built as plain objects for JSON.stringify;
// the resource and scopes are converted once per object and reused.
import type { HrTime, Link, SpanContext } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type {
  DataPoint,
  ExponentialHistogram,
  Histogram,
  MetricData,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { groupByResourceAndScope, type ScopeLike } from './resource-scope.js';

type Json = Record<string, unknown>;

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63;
const NANOS = BigInt(1_000_000_000);

/** fixed64 nanoseconds since the epoch, exactly, as a decimal string. */
const nanos = (t: HrTime): string => (BigInt(Math.trunc(t[0])) * NANOS + BigInt(Math.trunc(t[1]))).toString();

/** proto3 JSON doubles: numbers, or the strings NaN / Infinity / -Infinity. */
const double = (v: number): number | string => (Number.isFinite(v) ? v : String(v));

/** Exact decimal digits (String() would print 2^60 as 1152921504606847000: shortest round-trip, not exact). */
const int64 = (v: number): string => {
  const i = Math.trunc(v);
  return Number.isSafeInteger(i) ? String(i) : BigInt(i).toString();
};

export function anyValue(value: unknown): Json {
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { boolValue: value };
    case 'number':
      return Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64
        ? { intValue: int64(value) }
        : { doubleValue: double(value) };
    case 'object':
      if (value === null) return {};
      if (value instanceof Uint8Array) return { bytesValue: Buffer.from(value).toString('base64') };
      if (Array.isArray(value)) return { arrayValue: { values: value.map(anyValue) } };
      return { kvlistValue: { values: keyValues(value as Record<string, unknown>) } };
    default:
      return {};
  }
}

export function keyValues(attributes: Record<string, unknown> | undefined): Json[] {
  if (!attributes) return [];
  return Object.keys(attributes).map((key) => ({ key, value: anyValue(attributes[key]) }));
}

const resources = new WeakMap<Resource, Json>();
function resourceJson(resource: Resource): Json {
  let json = resources.get(resource);
  if (json === undefined) {
    json = { attributes: keyValues(resource.attributes as Record<string, unknown>) };
    if (resource.asyncAttributesPending !== true) resources.set(resource, json);
  }
  return json;
}

const scopes = new WeakMap<ScopeLike, Json>();
function scopeJson(scope: ScopeLike): Json {
  let json = scopes.get(scope);
  if (json === undefined) {
    json = { name: scope.name };
    if (scope.version) json.version = scope.version;
    if (scope.attributes) json.attributes = keyValues(scope.attributes);
    if (scope.droppedAttributesCount) json.droppedAttributesCount = scope.droppedAttributesCount;
    scopes.set(scope, json);
  }
  return json;
}

/** Ids in lowercase hex (an SDK passes a remote parent's id on as it came, possibly uppercase). */
const id = (hex: string): string => hex.toLowerCase();

const flags = (ctx: SpanContext, isRemote: boolean | undefined): number =>
  (ctx.traceFlags & 0xff) | 0x100 | (isRemote ? 0x200 : 0);

function eventJson(e: TimedEvent): Json {
  const out: Json = { timeUnixNano: nanos(e.time), name: e.name, attributes: keyValues(e.attributes) };
  if (e.droppedAttributesCount) out.droppedAttributesCount = e.droppedAttributesCount;
  return out;
}

function linkJson(l: Link): Json {
  const out: Json = {
    traceId: id(l.context.traceId),
    spanId: id(l.context.spanId),
    attributes: keyValues(l.attributes),
  };
  const traceState = l.context.traceState?.serialize();
  if (traceState) out.traceState = traceState;
  if (l.droppedAttributesCount) out.droppedAttributesCount = l.droppedAttributesCount;
  out.flags = flags(l.context, l.context.isRemote);
  return out;
}

function spanJson(span: ReadableSpan): Json {
  const ctx = span.spanContext();
  const out: Json = { traceId: id(ctx.traceId), spanId: id(ctx.spanId) };
  const traceState = ctx.traceState?.serialize();
  if (traceState) out.traceState = traceState;
  if (span.parentSpanContext?.spanId) out.parentSpanId = id(span.parentSpanContext.spanId);
  out.name = span.name;
  if (span.kind != null) out.kind = span.kind + 1;
  out.startTimeUnixNano = nanos(span.startTime);
  out.endTimeUnixNano = nanos(span.endTime);
  out.attributes = keyValues(span.attributes);
  if (span.droppedAttributesCount) out.droppedAttributesCount = span.droppedAttributesCount;
  out.events = span.events.map(eventJson);
  if (span.droppedEventsCount) out.droppedEventsCount = span.droppedEventsCount;
  out.links = span.links.map(linkJson);
  if (span.droppedLinksCount) out.droppedLinksCount = span.droppedLinksCount;
  out.status = span.status.message
    ? { message: span.status.message, code: span.status.code }
    : { code: span.status.code };
  out.flags = flags(ctx, span.parentSpanContext?.isRemote);
  return out;
}

function scopeKey(span: ReadableSpan): string {
  const s = span.instrumentationScope;
  return `${s.name}@${s.version ?? ''}:${s.schemaUrl ?? ''}`;
}

function grouped<T extends { resource: Resource; instrumentationScope: ScopeLike }>(
  items: readonly T[],
  key: (item: T) => unknown,
  itemsKey: string,
  toJson: (item: T) => Json,
): Json[] {
  const out: Json[] = [];
  for (const [resource, byScope] of groupByResourceAndScope(items, key)) {
    const scopeEntries: Json[] = [];
    for (const list of byScope.values()) {
      const scope = (list[0] as T).instrumentationScope;
      const entry: Json = { scope: scopeJson(scope), [itemsKey]: list.map(toJson) };
      if (scope.schemaUrl) entry.schemaUrl = scope.schemaUrl;
      scopeEntries.push(entry);
    }
    const entry: Json = {
      resource: resourceJson(resource),
      [itemsKey === 'spans' ? 'scopeSpans' : 'scopeLogs']: scopeEntries,
    };
    if (resource.schemaUrl) entry.schemaUrl = resource.schemaUrl;
    out.push(entry);
  }
  return out;
}

export function encodeSpansJson(spans: readonly ReadableSpan[]): Uint8Array {
  return Buffer.from(JSON.stringify({ resourceSpans: grouped(spans, scopeKey, 'spans', spanJson) }));
}

function logJson(r: ReadableLogRecord): Json {
  const out: Json = { timeUnixNano: nanos(r.hrTime), observedTimeUnixNano: nanos(r.hrTimeObserved) };
  if (r.severityNumber) out.severityNumber = r.severityNumber;
  if (r.severityText) out.severityText = r.severityText;
  if (r.body !== undefined) out.body = anyValue(r.body);
  out.attributes = keyValues(r.attributes as Record<string, unknown>);
  if (r.droppedAttributesCount) out.droppedAttributesCount = r.droppedAttributesCount;
  const ctx = r.spanContext;
  if (ctx?.traceFlags) out.flags = ctx.traceFlags;
  if (ctx?.traceId) out.traceId = id(ctx.traceId);
  if (ctx?.spanId) out.spanId = id(ctx.spanId);
  if (r.eventName) out.eventName = r.eventName;
  return out;
}

export function encodeLogsJson(records: readonly ReadableLogRecord[]): Uint8Array {
  const body = grouped(records, (r) => r.instrumentationScope, 'logRecords', logJson);
  return Buffer.from(JSON.stringify({ resourceLogs: body }));
}

// sdk-metrics enums as numbers: DataPointType HISTOGRAM 0, EXPONENTIAL_HISTOGRAM 1, GAUGE 2, SUM 3; ValueType INT 0.
const temporality = (t: number): number => (t === 0 || t === 1 ? t + 1 : 0);

function pointBase(p: DataPoint<unknown>): Json {
  return {
    attributes: keyValues(p.attributes as Record<string, unknown>),
    startTimeUnixNano: nanos(p.startTime),
    timeUnixNano: nanos(p.endTime),
  };
}

function metricJson(m: MetricData): Json {
  const out: Json = { name: m.descriptor.name };
  if (m.descriptor.description) out.description = m.descriptor.description;
  if (m.descriptor.unit) out.unit = m.descriptor.unit;
  const type = m.dataPointType as number;
  if (type === 2 || type === 3) {
    const isInt = (m.descriptor.valueType as number) === 0;
    const dataPoints = (m.dataPoints as DataPoint<number>[]).map((p) => ({
      ...pointBase(p),
      ...(isInt ? { asInt: int64(p.value) } : { asDouble: double(p.value) }),
    }));
    if (type === 2) out.gauge = { dataPoints };
    else
      out.sum = {
        dataPoints,
        aggregationTemporality: temporality(m.aggregationTemporality),
        isMonotonic: (m as { isMonotonic?: boolean }).isMonotonic === true,
      };
  } else if (type === 0) {
    const dataPoints = (m.dataPoints as DataPoint<Histogram>[]).map((p) => {
      const h = p.value;
      const point: Json = {
        ...pointBase(p),
        count: int64(h.count),
        bucketCounts: h.buckets.counts.map(int64),
        explicitBounds: h.buckets.boundaries.map(double),
      };
      if (h.sum !== undefined) point.sum = double(h.sum);
      if (h.min !== undefined) point.min = double(h.min);
      if (h.max !== undefined) point.max = double(h.max);
      return point;
    });
    out.histogram = { dataPoints, aggregationTemporality: temporality(m.aggregationTemporality) };
  } else if (type === 1) {
    const dataPoints = (m.dataPoints as DataPoint<ExponentialHistogram>[]).map((p) => {
      const h = p.value;
      const point: Json = {
        ...pointBase(p),
        count: int64(h.count),
        scale: h.scale,
        zeroCount: int64(h.zeroCount),
        positive: { offset: h.positive.offset, bucketCounts: h.positive.bucketCounts.map(int64) },
        negative: { offset: h.negative.offset, bucketCounts: h.negative.bucketCounts.map(int64) },
      };
      if (h.sum !== undefined) point.sum = double(h.sum);
      if (h.min !== undefined) point.min = double(h.min);
      if (h.max !== undefined) point.max = double(h.max);
      return point;
    });
    out.exponentialHistogram = { dataPoints, aggregationTemporality: temporality(m.aggregationTemporality) };
  }
  return out;
}

export function encodeMetricsJson(rm: ResourceMetrics): Uint8Array {
  const scopeMetrics = rm.scopeMetrics.map((sm) => {
    const entry: Json = { scope: scopeJson(sm.scope), metrics: sm.metrics.map(metricJson) };
    if (sm.scope.schemaUrl) entry.schemaUrl = sm.scope.schemaUrl;
    return entry;
  });
  const resourceMetrics: Json = { resource: resourceJson(rm.resource), scopeMetrics };
  if (rm.resource.schemaUrl) resourceMetrics.schemaUrl = rm.resource.schemaUrl;
  return Buffer.from(JSON.stringify({ resourceMetrics: [resourceMetrics] }));
}

/** partial_success of a JSON Export…ServiceResponse (rejected count as number or string). */
export function parseJsonPartialSuccess(body: Uint8Array): { rejected: number; errorMessage: string } {
  try {
    const text = Buffer.from(body).toString('utf8').trim();
    if (!text) return { rejected: 0, errorMessage: '' };
    const ps = (JSON.parse(text) as { partialSuccess?: Record<string, unknown> }).partialSuccess ?? {};
    const rejected = Number(ps.rejectedSpans ?? ps.rejectedLogRecords ?? ps.rejectedDataPoints ?? 0);
    return {
      rejected: Number.isFinite(rejected) ? rejected : 0,
      errorMessage: typeof ps.errorMessage === 'string' ? ps.errorMessage : '',
    };
  } catch {
    return { rejected: 0, errorMessage: '' };
  }
}
