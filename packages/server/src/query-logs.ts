import type { JsonValue } from './otlp-values.js';
import { type AttrFilters, attrSql, cursorPage, decodeCursor, msToNs, nsToMs, type TimeRange } from './query-params.js';
import type { LogRow } from './rows.js';
import type { Row, Store } from './store.js';

export interface LogFilters {
  service?: string;
  /** at least this SeverityNumber */
  minSeverity?: number;
  /** body contains, case-insensitive */
  q?: string;
  traceId?: string;
  spanId?: string;
  attrs?: AttrFilters;
}

export interface LogApiRow {
  timeMs: number;
  service: string;
  severityNumber: number;
  severityText: string;
  body: JsonValue;
  traceId: string;
  spanId: string;
  attributes: Record<string, JsonValue>;
  resource: Record<string, JsonValue>;
  id: string;
}

function whereOf(f: LogFilters, range: TimeRange): { where: string; params: unknown[] } {
  let where = 'time_ns >= ? AND time_ns < ?';
  const params: unknown[] = [msToNs(range.fromMs), msToNs(range.toMs)];
  if (f.service) (where += ' AND service = ?'), params.push(f.service);
  if (f.minSeverity !== undefined) (where += ' AND severity_number >= ?'), params.push(f.minSeverity);
  if (f.q) (where += ' AND contains(lower(body), ?)'), params.push(f.q.toLowerCase());
  if (f.traceId) (where += ' AND trace_id = ?'), params.push(f.traceId.toLowerCase());
  if (f.spanId) (where += ' AND span_id = ?'), params.push(f.spanId.toLowerCase());
  const attrs = attrSql(f.attrs ?? []);
  return { where: where + attrs.sql, params: [...params, ...attrs.params] };
}

export function logApiRow(r: Row): LogApiRow {
  return {
    timeMs: nsToMs(r.time_ns),
    service: String(r.service),
    severityNumber: Number(r.severity_number),
    severityText: String(r.severity_text),
    body: r.body_is_json ? JSON.parse(String(r.body)) : String(r.body),
    traceId: String(r.trace_id),
    spanId: String(r.span_id),
    attributes: JSON.parse(String(r.attributes)),
    resource: JSON.parse(String(r.resource)),
    id: String(r.seq),
  };
}

/** Logs search, newest first, cursor-paged. */
export async function searchLogs(
  store: Store,
  q: LogFilters & { range: TimeRange; limit: number; cursor?: string | null },
): Promise<{ logs: LogApiRow[]; nextCursor: string | null }> {
  const { where, params } = whereOf(q, q.range);
  const cursor = decodeCursor(q.cursor ?? null);
  let cursorSql = '';
  if (cursor)
    (cursorSql = ' AND (time_ns < ? OR (time_ns = ? AND seq < ?))'), params.push(cursor.ns, cursor.ns, cursor.seq);
  if (q.traceId) {
    // The trace_id index serves only a bare equality; it yields the trace's row range, which the row-group min/max
    // indexes on seq (rows are appended in order) then prune the full query to.
    const [span] = await store.query('SELECT min(seq) AS lo, max(seq) AS hi FROM logs WHERE trace_id = ?', [
      q.traceId.toLowerCase(),
    ]);
    if (!span || span.lo === null || span.lo === undefined) return { logs: [], nextCursor: null };
    cursorSql += ' AND seq BETWEEN ? AND ?';
    params.push(span.lo, span.hi);
  }
  params.push(q.limit + 1);
  const rows = await store.query(
    `SELECT * FROM logs WHERE ${where}${cursorSql} ORDER BY time_ns DESC, seq DESC LIMIT ?`,
    params as never[],
  );
  const { page, nextCursor } = cursorPage(rows, q.limit, 'time_ns');
  return { logs: page.map(logApiRow), nextCursor };
}

/** Bulk read: logs oldest first, cursor-paged. */
export async function exportLogs(
  store: Store,
  q: { range: TimeRange; service?: string; limit: number; cursor?: string | null },
): Promise<{ logs: LogApiRow[]; nextCursor: string | null }> {
  const { where, params } = whereOf({ service: q.service }, q.range);
  const cursor = decodeCursor(q.cursor ?? null);
  let cursorSql = '';
  if (cursor)
    (cursorSql = ' AND (time_ns > ? OR (time_ns = ? AND seq > ?))'), params.push(cursor.ns, cursor.ns, cursor.seq);
  params.push(q.limit + 1);
  const rows = await store.query(
    `SELECT * FROM logs WHERE ${where}${cursorSql} ORDER BY time_ns, seq LIMIT ?`,
    params as never[],
  );
  const { page, nextCursor } = cursorPage(rows, q.limit, 'time_ns');
  return { logs: page.map(logApiRow), nextCursor };
}

const text = (v: JsonValue | undefined) =>
  v === undefined ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** The same filters as searchLogs, for freshly committed rows (live tail). */
export function logMatcher(
  f: LogFilters,
): (row: LogRow, attrs: Record<string, JsonValue>, resource: Record<string, JsonValue>) => boolean {
  const q = f.q?.toLowerCase();
  const traceId = f.traceId?.toLowerCase();
  const spanId = f.spanId?.toLowerCase();
  return (row, attrs, resource) =>
    (!f.service || row.service === f.service) &&
    (f.minSeverity === undefined || row.severityNumber >= f.minSeverity) &&
    (!q || row.body.toLowerCase().includes(q)) &&
    (!traceId || row.traceId === traceId) &&
    (!spanId || row.spanId === spanId) &&
    (f.attrs ?? []).every(([k, v]) => (text(attrs[k]) ?? text(resource[k])) === v);
}

/** API row of a freshly committed log (live tail). */
export function liveLogApiRow(
  row: LogRow,
  seq: number,
  attrs: Record<string, JsonValue>,
  resource: Record<string, JsonValue>,
): LogApiRow {
  return {
    timeMs: nsToMs(row.timeNs),
    service: row.service,
    severityNumber: row.severityNumber,
    severityText: row.severityText,
    body: row.bodyIsJson ? JSON.parse(row.body) : row.body,
    traceId: row.traceId,
    spanId: row.spanId,
    attributes: attrs,
    resource,
    id: String(seq),
  };
}
