import type { CheckLog } from './check-model.js';

// Fields that mark a record as written while serving a request (pino-http, fastify, express loggers, OTel semconv).
const REQUEST_KEYS = new Set([
  'req',
  'res',
  'request',
  'reqId',
  'requestId',
  'request_id',
  'method',
  'url',
  'path',
  'route',
  'statusCode',
  'status_code',
  'responseTime',
  'http',
]);
const REQUEST_KEY_PREFIX = /^(http|url)\./;

function firstString(record: Record<string, unknown>, keys: string[]): string | undefined {
  for (const key of keys) {
    const v = record[key];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  return undefined;
}

export function hasRequestFields(record: Record<string, unknown> | undefined): boolean {
  if (!record) return false;
  return Object.keys(record).some((k) => REQUEST_KEYS.has(k) || REQUEST_KEY_PREFIX.test(k));
}

const TRACE_KEYS = ['trace_id', 'traceId', 'trace.id', 'traceid'];
const SPAN_KEYS = ['span_id', 'spanId', 'span.id', 'spanid'];

/** One JSON log line (pino, or any logger writing JSON) → CheckLog; undefined when the line is not a JSON object. */
export function logFromJsonLine(line: string, origin: string): CheckLog | undefined {
  let record: unknown;
  try {
    record = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!record || typeof record !== 'object' || Array.isArray(record)) return undefined;
  const r = record as Record<string, unknown>;
  const resource = (r.resource && typeof r.resource === 'object' ? r.resource : {}) as Record<string, unknown>;
  const traceId = firstString(r, TRACE_KEYS);
  const spanId = firstString(r, SPAN_KEYS);
  const time = r.time ?? r.timestamp;
  const log: CheckLog = {
    service:
      firstString(r, ['service.name', 'service', 'service_name']) ??
      firstString(resource, ['service.name']) ??
      firstString(r, ['name']) ??
      'unknown',
    message: firstString(r, ['msg', 'message', 'body']) ?? '',
    requestFields: traceId !== undefined || spanId !== undefined || hasRequestFields(r),
    origin,
  };
  if (traceId !== undefined) log.traceId = traceId;
  if (spanId !== undefined) log.spanId = spanId;
  if (typeof time === 'number') log.timeMs = time;
  else if (typeof time === 'string' && !Number.isNaN(Date.parse(time))) log.timeMs = Date.parse(time);
  return log;
}

export interface ParsedLogLines {
  logs: CheckLog[];
  /** Lines that were not JSON objects (pretty output, stack traces); they cannot be checked. */
  skipped: number;
}

export function parseLogLines(text: string, name: string): ParsedLogLines {
  const logs: CheckLog[] = [];
  let skipped = 0;
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const log = logFromJsonLine(line, `${name}:${i + 1}`);
    if (log) logs.push(log);
    else skipped++;
  });
  return { logs, skipped };
}

/** A row of `GET /api/logs/export`. */
export interface StoreLogRow {
  timeMs: number;
  service: string;
  body: unknown;
  traceId?: string | null;
  spanId?: string | null;
  attributes?: Record<string, unknown>;
  id?: string;
}

export function logFromStoreRow(row: StoreLogRow): CheckLog {
  const body = row.body && typeof row.body === 'object' ? (row.body as Record<string, unknown>) : undefined;
  const traceId = row.traceId || undefined;
  const spanId = row.spanId || undefined;
  const log: CheckLog = {
    service: row.service || 'unknown',
    timeMs: row.timeMs,
    message: typeof row.body === 'string' ? row.body : JSON.stringify(row.body ?? ''),
    requestFields:
      traceId !== undefined || spanId !== undefined || hasRequestFields(row.attributes) || hasRequestFields(body),
    origin: `log ${row.id ?? row.timeMs}`,
  };
  if (traceId) log.traceId = traceId;
  if (spanId) log.spanId = spanId;
  return log;
}
