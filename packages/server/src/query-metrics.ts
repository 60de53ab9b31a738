import { SightlineError } from './errors.js';
import { type Agg, aggregate, type Grid, getOrCreate, type StoredPoint } from './metric-aggregation.js';
import type { JsonValue } from './otlp-values.js';
import { type AttrFilters, attrSql, msToNs, nsToMs, type TimeRange } from './query-params.js';
import type { Store } from './store.js';

export interface MetricInfo {
  name: string;
  type: string;
  unit: string;
  description: string;
  monotonic: boolean;
  temporality: string;
  services: string[];
}

export async function listMetrics(store: Store, range: TimeRange, service?: string): Promise<MetricInfo[]> {
  const params: unknown[] = [msToNs(range.fromMs), msToNs(range.toMs)];
  if (service) params.push(service);
  const rows = await store.query(
    `SELECT name, arg_max(type, time_ns) AS type, arg_max(unit, time_ns) AS unit, arg_max(description, time_ns) AS description,
       bool_or(monotonic) AS monotonic, arg_max(temporality, time_ns) AS temporality, list(DISTINCT service ORDER BY service) AS services
     FROM metric_points WHERE time_ns >= ? AND time_ns < ? ${service ? 'AND service = ?' : ''}
     GROUP BY name ORDER BY name`,
    params as never[],
  );
  return rows.map((r) => ({
    name: String(r.name),
    type: String(r.type),
    unit: String(r.unit),
    description: String(r.description),
    monotonic: Boolean(r.monotonic),
    temporality: String(r.temporality),
    services: (r.services as string[]) ?? [],
  }));
}

const str = (v: JsonValue | undefined) =>
  v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);

/** Label keys and their values for one metric: data point attributes plus the resource's service.name. */
export async function metricLabels(store: Store, name: string, range: TimeRange): Promise<Record<string, string[]>> {
  const rows = await store.query(
    'SELECT DISTINCT attributes, service FROM metric_points WHERE name = ? AND time_ns >= ? AND time_ns < ?',
    [name, msToNs(range.fromMs), msToNs(range.toMs)],
  );
  const labels = new Map<string, Set<string>>();
  const add = (k: string, v: string) => {
    getOrCreate(labels, k, () => new Set<string>()).add(v);
  };
  for (const r of rows) {
    for (const [k, v] of Object.entries(JSON.parse(String(r.attributes)) as Record<string, JsonValue>)) {
      const s = str(v);
      if (s !== undefined) add(k, s);
    }
    add('service.name', String(r.service));
  }
  return Object.fromEntries([...labels].sort(([a], [b]) => a.localeCompare(b)).map(([k, s]) => [k, [...s].sort()]));
}

const AGGS: Record<string, Agg[]> = {
  sum: ['rate', 'increase', 'last', 'avg', 'sum', 'min', 'max'],
  gauge: ['last', 'avg', 'sum', 'min', 'max', 'rate', 'increase'],
  histogram: ['p50', 'p90', 'p95', 'p99', 'heatmap'],
  exponential_histogram: ['p50', 'p90', 'p95', 'p99', 'heatmap'],
  summary: ['p50', 'p90', 'p95', 'p99'],
};

export interface SeriesQuery {
  name: string;
  range: TimeRange;
  stepMs: number;
  groupBy?: string[];
  agg?: string;
  attrs?: AttrFilters;
}

export interface SeriesResult {
  /** heatmap: bucket bounds; each point's counts has bounds.length + 1 entries ((-Inf, b0], …, (bn-1, +Inf)). */
  bounds?: number[];
  /** heatmap of an exponential histogram: the scale the bounds were computed at. */
  scale?: number;
  series: { labels: Record<string, string>; points: [number, number | number[]][] }[];
}

/** A metric as series over time, grouped by the chosen attributes (see metric-aggregation.ts for each agg). */
export async function metricSeries(store: Store, q: SeriesQuery): Promise<SeriesResult> {
  const startMs = Math.floor(q.range.fromMs / q.stepMs) * q.stepMs;
  const attrs = attrSql(q.attrs ?? []);
  // One step of look-back gives cumulative counters a baseline for the first step.
  const rows = await store.query(
    `SELECT type, monotonic, temporality, service, attributes, resource, start_ns, time_ns, value, bounds, buckets, quantiles
     FROM metric_points WHERE name = ? AND time_ns >= ? AND time_ns < ?${attrs.sql} ORDER BY time_ns, seq`,
    [q.name, msToNs(startMs - q.stepMs), msToNs(q.range.toMs), ...attrs.params] as never[],
  );
  if (rows.length === 0) return { series: [] };
  const type = String(rows[rows.length - 1]!.type);
  const monotonic = Boolean(rows[rows.length - 1]!.monotonic);
  const agg = (q.agg || (type === 'sum' ? (monotonic ? 'rate' : 'last') : type === 'gauge' ? 'last' : 'p95')) as Agg;
  const allowed = AGGS[type] ?? [];
  if (!allowed.includes(agg)) {
    throw new SightlineError(
      'SIGHTLINE_ERR_BAD_AGG',
      `agg="${q.agg}" does not apply to ${type} metric ${q.name}; use one of ${allowed.join(', ')}`,
    );
  }
  const groupBy = q.groupBy ?? [];
  const points: StoredPoint[] = rows.map((r) => {
    const a = JSON.parse(String(r.attributes)) as Record<string, JsonValue>;
    const res = JSON.parse(String(r.resource)) as Record<string, JsonValue>;
    const labels = groupBy.map((k) => str(a[k]) ?? str(res[k]) ?? '');
    const buckets = r.buckets === null ? null : JSON.parse(String(r.buckets));
    const isExp = r.type === 'exponential_histogram';
    return {
      seriesKey: `${r.attributes}\u0000${r.resource}`,
      groupKey: JSON.stringify(labels),
      startMs: nsToMs(r.start_ns),
      timeMs: nsToMs(r.time_ns),
      temporality: String(r.temporality),
      value: r.value === null ? null : Number(r.value),
      bounds: r.bounds === null ? null : JSON.parse(String(r.bounds)),
      counts: isExp ? null : buckets,
      exp: isExp ? buckets : null,
      quantiles: r.quantiles === null ? null : JSON.parse(String(r.quantiles)),
    };
  });
  const grid: Grid = {
    startMs,
    stepMs: q.stepMs,
    steps: Math.ceil((q.range.toMs - startMs) / q.stepMs),
    fromMs: q.range.fromMs,
  };
  const { groups, bounds, scale } = aggregate(points, agg, grid);
  const series = [...groups]
    .map(([key, m]) => {
      const values = JSON.parse(key) as string[];
      const labels = Object.fromEntries(groupBy.map((k, i) => [k, values[i] ?? '']));
      const pts = [...m]
        .sort(([a], [b]) => a - b)
        .map(([i, v]) => [startMs + i * q.stepMs, v] as [number, number | number[]]);
      return { labels, points: pts };
    })
    .sort((a, b) => JSON.stringify(a.labels).localeCompare(JSON.stringify(b.labels)));
  if (agg === 'heatmap') return { bounds: bounds ?? [], ...(scale !== undefined ? { scale } : {}), series };
  return { series };
}
