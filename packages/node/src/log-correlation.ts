// Trace context for log records, and the bridge from pino calls to OTLP log records. This is the hot path of every
// log call: everything that can be is computed once at module load.
import type { Context, Span, SpanContext } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, LoggerProvider, Logger as OtelLogger } from '@opentelemetry/api-logs';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { hrTime, SightlineSpan } from './tracing/span.js';

const FLAGS: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const INVALID_TRACE_ID = '00000000000000000000000000000000';

/** `length` hex digits (either case), not all zero: the API's isValidTraceId/isValidSpanId without two regexes. */
function isHexId(id: string, length: number): boolean {
  if (id.length !== length) return false;
  let nonZero = false;
  for (let i = 0; i < length; i++) {
    const c = id.charCodeAt(i);
    if (c === 48 /* 0 */) continue;
    if ((c > 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70)) nonZero = true;
    else return false;
  }
  return nonZero;
}

/** Same answer as the API's isSpanContextValid. */
export function isValidSpanContext(sc: SpanContext): boolean {
  return isHexId(sc.traceId, 32) && isHexId(sc.spanId, 16);
}

type ContextReader = () => Context;
let activeContext: ContextReader = () => context.active();

/** init() hands us a direct reader of the context store (skips the API's global lookups on every log call). */
export function setActiveContextReader(reader: ContextReader): void {
  activeContext = reader;
}

/**
 * The span of the pino call in progress, read once for both its OTLP record and its line (each read of the context
 * store is a call into Node's C++ while a request's callback runs): set around pino's write method (see
 * pino-correlation.ts), which builds and writes the line before it returns.
 */
let callDepth = 0;
let callSpan: Span | undefined;

/** Starts a pino call; returns what exitLogCall() restores (the span of a call this one is nested in). */
export function enterLogCall(): Span | undefined {
  const outer = callSpan;
  callSpan = trace.getSpan(activeContext());
  callDepth++;
  return outer;
}

export function exitLogCall(outer: Span | undefined): void {
  callDepth--;
  callSpan = outer;
}

function spanOfLogCall(): Span | undefined {
  return callDepth > 0 ? callSpan : trace.getSpan(activeContext());
}

/**
 * `,"trace_id":"…","span_id":"…","trace_flags":"…"` of the log call's span, or '' outside a span: the fields as
 * they follow another one in a JSON line.
 */
export function correlationFields(): string {
  const span = spanOfLogCall();
  if (span === undefined) return '';
  const sc = span.spanContext();
  // Spans of our tracer carry generated ids (and comparing ids, slices of a longer string, is a runtime call).
  if (!(span instanceof SightlineSpan) && sc.traceId === INVALID_TRACE_ID) return '';
  return `,"trace_id":"${sc.traceId}","span_id":"${sc.spanId}","trace_flags":"${FLAGS[sc.traceFlags & 0xff]}"`;
}

/** The log call's ids put in front of one finished JSON line (`{...}\n` → `{"trace_id":…,...}\n`). */
export function injectCorrelation(line: string): string {
  if (line.charCodeAt(0) !== 123 /* { */) return line;
  const fields = correlationFields();
  if (fields === '') return line;
  const rest = line.length > 2 && line.charCodeAt(1) !== 125 /* } */ ? `,${line.slice(1)}` : line.slice(1);
  return `{${fields.slice(1)}${rest}`;
}

const SEVERITY: Record<number, [SeverityNumber, string]> = {
  10: [SeverityNumber.TRACE, 'TRACE'],
  20: [SeverityNumber.DEBUG, 'DEBUG'],
  30: [SeverityNumber.INFO, 'INFO'],
  40: [SeverityNumber.WARN, 'WARN'],
  50: [SeverityNumber.ERROR, 'ERROR'],
  60: [SeverityNumber.FATAL, 'FATAL'],
};

/** Where init() sends pino records: straight to the log batch queue, without the Logs SDK's per-record objects. */
export interface LogRecordSink {
  resource: Resource;
  add(record: ReadableLogRecord): void;
  /**
   * add() encodes the record before it returns and keeps no reference to it (OTLP protobuf): the record object is
   * then reused, and a pino merge object of plain values serves as the attributes without a copy.
   */
  encodesOnAdd?: boolean;
}
let sink: LogRecordSink | undefined;
export function setLogRecordSink(s: LogRecordSink | undefined): void {
  sink = s;
}

const PINO_SCOPE = { name: '@sightline/node/pino' };
/** The Logs SDK's default limit. */
const MAX_ATTRIBUTES = 128;

let provider: LoggerProvider | undefined;
let otelLogger: OtelLogger | undefined;
function currentOtelLogger(): OtelLogger {
  const p = logs.getLoggerProvider();
  if (p !== provider || otelLogger === undefined) {
    provider = p;
    otelLogger = p.getLogger('@sightline/node/pino');
  }
  return otelLogger;
}

function toAnyValue(v: unknown): AnyValue {
  if (v === null || v === undefined) return null;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return v as AnyValue;
  if (t === 'bigint') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** A merge object (not an Error) whose own properties are all strings, numbers or booleans, at most MAX_ATTRIBUTES. */
function isPlainAttributes(first: object): boolean {
  if (first instanceof Error) return false;
  let count = 0;
  for (const key in first) {
    if (!Object.hasOwn(first, key) || ++count > MAX_ATTRIBUTES) return false;
    const t = typeof (first as Record<string, unknown>)[key];
    if (t !== 'string' && t !== 'number' && t !== 'boolean') return false;
  }
  return true;
}

/** An error as the semconv exception.* attributes. */
function addException(attributes: LogAttributes, err: Error): void {
  attributes['exception.type'] = err.name;
  attributes['exception.message'] = err.message;
  if (err.stack) attributes['exception.stacktrace'] = err.stack;
}

/** The merge object as log attributes (errors as exception.*, other values as AnyValue). */
function attributesOf(first: object): LogAttributes {
  const attributes: LogAttributes = {};
  if (first instanceof Error) {
    addException(attributes, first);
    return attributes;
  }
  for (const key of Object.keys(first)) {
    const v = (first as Record<string, unknown>)[key];
    if (v instanceof Error) addException(attributes, v);
    else attributes[key] = toAnyValue(v);
  }
  return attributes;
}

const NO_ATTRIBUTES: LogAttributes = Object.freeze({}) as LogAttributes;

/** The record handed to a sink that encodes on add (see LogRecordSink.encodesOnAdd): filled, added, cleared. */
const reused = {
  hrTime: hrTime(0, 0),
  hrTimeObserved: hrTime(0, 0),
  spanContext: undefined as SpanContext | undefined,
  severityNumber: SeverityNumber.INFO as SeverityNumber,
  severityText: 'INFO',
  body: undefined as string | undefined,
  attributes: NO_ATTRIBUTES,
  droppedAttributesCount: 0,
  resource: undefined as unknown as Resource,
  instrumentationScope: PINO_SCOPE,
};
reused.hrTimeObserved = reused.hrTime;
let reusedInUse = false;

/**
 * Sends one pino call to the OTel Logs API (the SDK's LoggerProvider, when started), as pino's write method receives
 * it: the merge object (or an Error, or nothing), the message pino formatted, the level. Never throws.
 */
export function emitPinoRecord(first: unknown, msg: unknown, level: number): void {
  try {
    const hasObject = first !== null && typeof first === 'object';
    let body: string | undefined;
    if (typeof msg === 'string') body = msg;
    else if (first instanceof Error) body = first.message;
    const sev = SEVERITY[level];
    const severityNumber = sev?.[0] ?? SeverityNumber.INFO;
    const severityText = sev?.[1] ?? String(level);
    if (sink === undefined) {
      const attributes = hasObject ? attributesOf(first) : undefined;
      currentOtelLogger().emit({ severityNumber, severityText, body, attributes, context: context.active() });
      return;
    }
    const ms = Date.now();
    const seconds = Math.floor(ms / 1000);
    const nanos = (ms - seconds * 1000) * 1e6;
    const span = spanOfLogCall();
    const sc: SpanContext | undefined = span?.spanContext();
    // Spans of our tracer carry generated ids; only foreign ones need checking.
    const spanContext = sc && (span instanceof SightlineSpan || isValidSpanContext(sc)) ? sc : undefined;
    // Reentrant calls (a getter of the merge object that logs while it is encoded) take the allocating path.
    if (sink.encodesOnAdd && !reusedInUse) {
      reusedInUse = true;
      try {
        let attributes = NO_ATTRIBUTES;
        let dropped = 0;
        if (hasObject) {
          if (isPlainAttributes(first)) attributes = first as LogAttributes;
          else [attributes, dropped] = limited(attributesOf(first));
        }
        reused.hrTime[0] = seconds;
        reused.hrTime[1] = nanos;
        reused.spanContext = spanContext;
        reused.severityNumber = severityNumber;
        reused.severityText = severityText;
        reused.body = body;
        reused.attributes = attributes;
        reused.droppedAttributesCount = dropped;
        reused.resource = sink.resource;
        sink.add(reused as ReadableLogRecord);
      } finally {
        // Nothing of the app's objects stays reachable from here.
        reused.attributes = NO_ATTRIBUTES;
        reused.body = undefined;
        reused.spanContext = undefined;
        reusedInUse = false;
      }
      return;
    }
    const time = hrTime(seconds, nanos);
    const [attributes, droppedAttributesCount] = hasObject ? limited(attributesOf(first)) : [{}, 0];
    sink.add({
      hrTime: time,
      hrTimeObserved: time,
      spanContext,
      severityNumber,
      severityText,
      body,
      attributes,
      droppedAttributesCount,
      resource: sink.resource,
      instrumentationScope: PINO_SCOPE,
    });
  } catch {
    // a log call must never fail because of telemetry
  }
}

/** At most MAX_ATTRIBUTES (the Logs SDK's limit) of them, and how many were dropped. */
function limited(attributes: LogAttributes): [LogAttributes, number] {
  const keys = Object.keys(attributes);
  if (keys.length <= MAX_ATTRIBUTES) return [attributes, 0];
  for (const key of keys.slice(MAX_ATTRIBUTES)) delete attributes[key];
  return [attributes, keys.length - MAX_ATTRIBUTES];
}
