import { SightlineError } from './errors.js';
import { getOrCreate } from './metric-aggregation.js';
import { objectToKv } from './otlp-values.js';
import {
  type AttrFilters,
  attrSql,
  cursorPage,
  decodeCursor,
  KIND_NAMES,
  msToNs,
  nsToMs,
  STATUS_NAMES,
  type TimeRange,
} from './query-params.js';
import type { Row, Store } from './store.js';

export interface TraceSearch {
  range: TimeRange;
  service?: string;
  name?: string;
  status?: 'ok' | 'error' | 'unset';
  minDurationMs?: number;
  maxDurationMs?: number;
  attrs?: AttrFilters;
  limit?: number;
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

/** Traces with at least one span matching every filter, newest first. */
export async function searchTraces(store: Store, s: TraceSearch): Promise<TraceSummary[]> {
  let where = 'start_ns >= ? AND start_ns < ?';
  const params: unknown[] = [msToNs(s.range.fromMs), msToNs(s.range.toMs)];
  if (s.service) (where += ' AND service = ?'), params.push(s.service);
  if (s.name) (where += ' AND (name = ? OR operation = ?)'), params.push(s.name, s.name);
  if (s.status) (where += ' AND status_code = ?'), params.push(STATUS_NAMES.indexOf(s.status));
  if (s.minDurationMs !== undefined) (where += ' AND duration_ns >= ?'), params.push(msToNs(s.minDurationMs));
  if (s.maxDurationMs !== undefined) (where += ' AND duration_ns <= ?'), params.push(msToNs(s.maxDurationMs));
  const attrs = attrSql(s.attrs ?? []);
  params.push(...attrs.params, s.limit ?? 20);
  const rows = await store.query(
    `WITH m AS (
       SELECT trace_id, max(start_ns) AS last FROM spans WHERE ${where}${attrs.sql}
       GROUP BY trace_id ORDER BY last DESC LIMIT ?
     )
     SELECT s.trace_id, min(s.start_ns) AS start_ns, max(s.end_ns) AS end_ns, count(*) AS spans,
       count(*) FILTER (WHERE s.status_code = 2) AS errors, list(DISTINCT s.service ORDER BY s.service) AS services,
       coalesce(arg_min(s.service, s.start_ns) FILTER (WHERE s.parent_span_id = ''), arg_min(s.service, s.start_ns)) AS root_service,
       coalesce(arg_min(s.operation, s.start_ns) FILTER (WHERE s.parent_span_id = ''), arg_min(s.operation, s.start_ns)) AS root_name,
       any_value(m.last) AS last
     FROM spans s JOIN m ON s.trace_id = m.trace_id
     GROUP BY s.trace_id ORDER BY last DESC`,
    params as never[],
  );
  return rows.map((r) => ({
    traceId: String(r.trace_id),
    rootService: String(r.root_service),
    rootName: String(r.root_name),
    startMs: nsToMs(r.start_ns),
    durationMs: nsToMs((r.end_ns as bigint) - (r.start_ns as bigint)),
    spanCount: Number(r.spans),
    errorCount: Number(r.errors),
    services: (r.services as string[]) ?? [],
  }));
}

export const TRACE_ID_RE = /^[0-9a-f]{32}$/;

/** A trace as OTLP/JSON ResourceSpans (Tempo-compatible); undefined when no span has this id. */
export async function getTrace(store: Store, traceId: string): Promise<{ resourceSpans: unknown[] } | undefined> {
  const id = traceId.toLowerCase();
  if (!TRACE_ID_RE.test(id) || /^0+$/.test(id)) {
    throw new SightlineError(
      'SIGHTLINE_ERR_BAD_TRACE_ID',
      `trace id "${traceId.slice(0, 64)}" is not 32 hex characters (and not all zeros)`,
    );
  }
  const rows = await store.query('SELECT * FROM spans WHERE trace_id = ? ORDER BY start_ns, seq', [id]);
  if (rows.length === 0) return undefined;
  const resources = new Map<string, Map<string, { scope: { name: string; version: string }; spans: unknown[] }>>();
  for (const r of rows) {
    const res = String(r.resource);
    const scopes = getOrCreate(
      resources,
      res,
      () => new Map<string, { scope: { name: string; version: string }; spans: unknown[] }>(),
    );
    const scopeKey = `${r.scope_name}\u0000${r.scope_version}`;
    const scope = getOrCreate(scopes, scopeKey, () => ({
      scope: { name: String(r.scope_name), version: String(r.scope_version) },
      spans: [] as unknown[],
    }));
    scope.spans.push(otlpSpan(r));
  }
  return {
    resourceSpans: [...resources].map(([res, scopes]) => ({
      resource: { attributes: objectToKv(JSON.parse(res)) },
      scopeSpans: [...scopes.values()],
    })),
  };
}

function otlpSpan(r: Row): Record<string, unknown> {
  const events = JSON.parse(String(r.events)) as {
    timeUnixNano: string;
    name: string;
    attributes: Record<string, unknown>;
  }[];
  const links = JSON.parse(String(r.links)) as {
    traceId: string;
    spanId: string;
    traceState: string;
    attributes: Record<string, unknown>;
  }[];
  const span: Record<string, unknown> = {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    name: r.name,
    kind: Number(r.kind),
    startTimeUnixNano: String(r.start_ns),
    endTimeUnixNano: String(r.end_ns),
    attributes: objectToKv(JSON.parse(String(r.attributes))),
    events: events.map((e) => ({ timeUnixNano: e.timeUnixNano, name: e.name, attributes: objectToKv(e.attributes) })),
    links: links.map((l) => ({
      traceId: l.traceId,
      spanId: l.spanId,
      traceState: l.traceState,
      attributes: objectToKv(l.attributes),
    })),
    status: r.status_message
      ? { code: Number(r.status_code), message: r.status_message }
      : { code: Number(r.status_code) },
  };
  if (r.trace_state) span.traceState = r.trace_state;
  if (Number(r.flags)) span.flags = Number(r.flags);
  return span;
}

/** Flat span row of the bulk read (`GET /api/spans`). */
export function spanApiRow(r: Row): Record<string, unknown> {
  const events = JSON.parse(String(r.events)) as {
    timeUnixNano: string;
    name: string;
    attributes: Record<string, unknown>;
  }[];
  return {
    traceId: r.trace_id,
    spanId: r.span_id,
    parentSpanId: r.parent_span_id,
    service: r.service,
    name: r.name,
    kind: KIND_NAMES[Number(r.kind)] ?? 'unspecified',
    startMs: nsToMs(r.start_ns),
    durationMs: Number(r.duration_ns) / 1e6,
    statusCode: STATUS_NAMES[Number(r.status_code)] ?? 'unset',
    statusMessage: r.status_message,
    scopeName: r.scope_name,
    scopeVersion: r.scope_version,
    attributes: JSON.parse(String(r.attributes)),
    resource: JSON.parse(String(r.resource)),
    events: events.map((e) => ({ name: e.name, timeMs: Number(e.timeUnixNano) / 1e6, attributes: e.attributes })),
  };
}

/** Bulk read: spans oldest first, cursor-paged. */
export async function exportSpans(
  store: Store,
  q: { range: TimeRange; service?: string; limit: number; cursor?: string | null },
): Promise<{ spans: Record<string, unknown>[]; nextCursor: string | null }> {
  let where = 'start_ns >= ? AND start_ns < ?';
  const params: unknown[] = [msToNs(q.range.fromMs), msToNs(q.range.toMs)];
  if (q.service) (where += ' AND service = ?'), params.push(q.service);
  const cursor = decodeCursor(q.cursor ?? null);
  if (cursor)
    (where += ' AND (start_ns > ? OR (start_ns = ? AND seq > ?))'), params.push(cursor.ns, cursor.ns, cursor.seq);
  params.push(q.limit + 1);
  const rows = await store.query(
    `SELECT * FROM spans WHERE ${where} ORDER BY start_ns, seq LIMIT ?`,
    params as never[],
  );
  const { page, nextCursor } = cursorPage(rows, q.limit, 'start_ns');
  return { spans: page.map(spanApiRow), nextCursor };
}
