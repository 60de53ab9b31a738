import { KIND_NAMES, msToNs, type TimeRange } from './query-params.js';
import type { Store } from './store.js';

export interface RedRow {
  name: string;
  requests: number;
  rate: number;
  errors: number;
  errorRatio: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

// Entry spans: server/consumer spans; for a service that has none in the range, its root spans.
const ENTRY_CTE = `
WITH base AS (
  SELECT service, operation, kind, parent_span_id, status_code, duration_ns, start_ns FROM spans
  WHERE start_ns >= ? AND start_ns < ? SERVICE_FILTER
), with_entry AS (SELECT DISTINCT service FROM base WHERE kind IN (2, 5)),
entry AS (
  SELECT * FROM base WHERE kind IN (2, 5) OR (parent_span_id = '' AND service NOT IN (SELECT service FROM with_entry))
)`;

const RED_COLUMNS = `count(*) AS requests, count(*) FILTER (WHERE status_code = 2) AS errors,
  quantile_cont(duration_ns, 0.5) AS p50, quantile_cont(duration_ns, 0.95) AS p95, quantile_cont(duration_ns, 0.99) AS p99`;

const ms = (ns: unknown) => (ns === null || ns === undefined ? null : Number(ns) / 1e6);

function red(name: string, r: Record<string, unknown> | undefined, seconds: number): RedRow {
  const requests = Number(r?.requests ?? 0);
  const errors = Number(r?.errors ?? 0);
  return {
    name,
    requests,
    rate: requests / seconds,
    errors,
    errorRatio: requests > 0 ? errors / requests : 0,
    p50Ms: ms(r?.p50),
    p95Ms: ms(r?.p95),
    p99Ms: ms(r?.p99),
  };
}

/** Every service seen in the range with its RED summary (services without entry spans get zero requests). */
export async function listServices(store: Store, range: TimeRange): Promise<RedRow[]> {
  const params = [msToNs(range.fromMs), msToNs(range.toMs)];
  const rows = await store.query(
    `${ENTRY_CTE.replace('SERVICE_FILTER', '')}
     SELECT s.service AS name, e.requests, e.errors, e.p50, e.p95, e.p99
     FROM (SELECT DISTINCT service FROM base) s
     LEFT JOIN (SELECT service, ${RED_COLUMNS} FROM entry GROUP BY service) e ON e.service = s.service
     ORDER BY s.service`,
    params,
  );
  const seconds = (range.toMs - range.fromMs) / 1000;
  return rows.map((r) => red(String(r.name), r, seconds));
}

/** RED per operation (`METHOD route` for HTTP server spans, else span name) of one service's entry spans. */
export async function listOperations(
  store: Store,
  service: string,
  range: TimeRange,
): Promise<(RedRow & { spanKind: string })[]> {
  const rows = await store.query(
    `${ENTRY_CTE.replace('SERVICE_FILTER', 'AND service = ?')}
     SELECT operation AS name, kind, ${RED_COLUMNS} FROM entry GROUP BY operation, kind ORDER BY requests DESC, name`,
    [msToNs(range.fromMs), msToNs(range.toMs), service],
  );
  const seconds = (range.toMs - range.fromMs) / 1000;
  return rows.map((r) => ({
    ...red(String(r.name), r, seconds),
    spanKind: KIND_NAMES[Number(r.kind)] ?? 'unspecified',
  }));
}

export interface RedPoint {
  t: number;
  rate: number;
  errorRatio: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** RED per step for one service (or all services when `service` is undefined); empty steps have rate 0. */
export async function serviceSeries(
  store: Store,
  service: string | undefined,
  range: TimeRange,
  stepMs: number,
): Promise<RedPoint[]> {
  const startMs = Math.floor(range.fromMs / stepMs) * stepMs;
  const stepNs = msToNs(stepMs);
  const params: unknown[] = [msToNs(startMs), stepNs, msToNs(range.fromMs), msToNs(range.toMs)];
  if (service !== undefined) params.push(service);
  const rows = await store.query(
    `${ENTRY_CTE.replace('start_ns >= ? AND', 'start_ns >= ? AND')
      .replace('SELECT service, operation', 'SELECT (start_ns - ?) // ? AS bucket, service, operation')
      .replace('SERVICE_FILTER', service !== undefined ? 'AND service = ?' : '')}
     SELECT bucket, ${RED_COLUMNS} FROM entry GROUP BY bucket ORDER BY bucket`,
    params as never[],
  );
  const byBucket = new Map(rows.map((r) => [Number(r.bucket), r]));
  const points: RedPoint[] = [];
  for (let t = startMs, i = 0; t < range.toMs; t += stepMs, i++) {
    const r = red('', byBucket.get(i), stepMs / 1000);
    points.push({ t, rate: r.rate, errorRatio: r.errorRatio, p50Ms: r.p50Ms, p95Ms: r.p95Ms, p99Ms: r.p99Ms });
  }
  return points;
}
