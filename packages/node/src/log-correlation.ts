// Trace context for log records, and the bridge from pino calls to OTLP log records. This is the hot path of every
// log call: everything that can be is computed once at module load.
import { format } from 'node:util';
import type { Context, SpanContext } from '@opentelemetry/api';
import { context, trace } from '@opentelemetry/api';
import type { AnyValue, LogAttributes, LoggerProvider, Logger as OtelLogger } from '@opentelemetry/api-logs';
import { logs, SeverityNumber } from '@opentelemetry/api-logs';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { SightlineSpan } from './tracing/span.js';

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
 * Adds the active span's ids to one serialized pino line (`{...}\n` → `{"trace_id":…,...}\n`). Cheaper than a
 * mixin: no object to allocate, merge and serialize again, just one string concatenation.
 */
export function injectCorrelation(line: string): string {
  const span = trace.getSpan(activeContext());
  if (span === undefined || line.charCodeAt(0) !== 123 /* { */) return line;
  const sc = span.spanContext();
  if (sc.traceId === INVALID_TRACE_ID) return line;
  const rest = line.length > 2 && line.charCodeAt(1) !== 125 /* } */ ? `,${line.slice(1)}` : line.slice(1);
  return `{"trace_id":"${sc.traceId}","span_id":"${sc.spanId}","trace_flags":"${FLAGS[sc.traceFlags & 0xff]}"${rest}`;
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

/** Sends one pino call to the OTel Logs API (the SDK's LoggerProvider, when started). Never throws. */
export function emitPinoCall(args: unknown[], level: number): void {
  try {
    let attributes: LogAttributes | undefined;
    let i = 0;
    const first = args[0];
    if (first !== null && typeof first === 'object') {
      i = 1;
      attributes = {};
      if (first instanceof Error) {
        attributes['exception.type'] = first.name;
        attributes['exception.message'] = first.message;
        if (first.stack) attributes['exception.stacktrace'] = first.stack;
      } else {
        for (const key of Object.keys(first)) {
          const v = (first as Record<string, unknown>)[key];
          if (v instanceof Error) {
            attributes['exception.type'] = v.name;
            attributes['exception.message'] = v.message;
            if (v.stack) attributes['exception.stacktrace'] = v.stack;
          } else attributes[key] = toAnyValue(v);
        }
      }
    }
    const msg = args[i];
    let body: string | undefined;
    if (typeof msg === 'string') body = args.length > i + 1 ? format(msg, ...args.slice(i + 1)) : msg;
    else if (first instanceof Error) body = first.message;
    const sev = SEVERITY[level];
    const severityNumber = sev?.[0] ?? SeverityNumber.INFO;
    const severityText = sev?.[1] ?? String(level);
    if (sink === undefined) {
      currentOtelLogger().emit({ severityNumber, severityText, body, attributes, context: context.active() });
      return;
    }
    let droppedAttributesCount = 0;
    if (attributes !== undefined) {
      const keys = Object.keys(attributes);
      if (keys.length > MAX_ATTRIBUTES) {
        droppedAttributesCount = keys.length - MAX_ATTRIBUTES;
        for (const key of keys.slice(MAX_ATTRIBUTES)) delete attributes[key];
      }
    }
    const ms = Date.now();
    const seconds = Math.floor(ms / 1000);
    const time: [number, number] = [seconds, (ms - seconds * 1000) * 1e6];
    const span = trace.getSpan(activeContext());
    const spanContext: SpanContext | undefined = span?.spanContext();
    sink.add({
      hrTime: time,
      hrTimeObserved: time,
      // Spans of our tracer carry generated ids; only foreign ones need checking.
      spanContext:
        spanContext && (span instanceof SightlineSpan || isValidSpanContext(spanContext)) ? spanContext : undefined,
      severityNumber,
      severityText,
      body,
      attributes: attributes ?? {},
      droppedAttributesCount,
      resource: sink.resource,
      instrumentationScope: PINO_SCOPE,
    });
  } catch {
    // a log call must never fail because of telemetry
  }
}
