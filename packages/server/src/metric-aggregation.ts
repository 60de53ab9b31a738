import {
  type ExpAcc,
  type ExpBuckets,
  expAccOf,
  expAdd,
  expDiff,
  expHeatmap,
  expQuantile,
} from './metric-exponential.js';

/**
 * Turns stored metric points into per-step values: counter increase/rate (cumulative with reset handling, or delta),
 * gauge last/avg/sum/min/max, histogram quantiles (Prometheus-style linear interpolation inside explicit buckets;
 * exponential histograms merged at the smallest scale, see metric-exponential.ts) and per-bucket counts for heatmaps.
 */
export interface StoredPoint {
  seriesKey: string;
  groupKey: string;
  startMs: number;
  timeMs: number;
  temporality: string;
  value: number | null;
  bounds: number[] | null;
  counts: number[] | null;
  exp: ExpBuckets | null;
  quantiles: [number, number][] | null;
}
export interface Grid {
  startMs: number;
  stepMs: number;
  steps: number;
  fromMs: number;
}

/** The value under `key`, created with `make` when missing. */
export function getOrCreate<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let v = map.get(key);
  if (v === undefined) {
    v = make();
    map.set(key, v);
  }
  return v;
}

const stepOf = (g: Grid, t: number) => Math.floor((t - g.startMs) / g.stepMs);

/** Per series: increase of a cumulative or delta value within each step (index → increase). */
function increases<T>(
  points: StoredPoint[],
  g: Grid,
  read: (p: StoredPoint) => T | null,
  diff: (cur: T, prev: T | null) => T,
  add: (a: T, b: T) => T,
): Map<number, T> {
  const out = new Map<number, T>();
  let prev: T | null = null;
  let prevStart = Number.NaN;
  for (const p of points) {
    const v = read(p);
    if (v === null) continue;
    const i = stepOf(g, p.timeMs);
    let inc: T | null;
    if (p.temporality === 'delta') inc = v;
    else if (prev !== null && p.startMs === prevStart) inc = diff(v, prev);
    else inc = p.startMs >= g.fromMs ? diff(v, null) : null; // a series that started inside the range counts from 0
    prev = v;
    prevStart = p.startMs;
    if (inc === null || i < 0 || i >= g.steps) continue;
    const cur = out.get(i);
    out.set(i, cur === undefined ? inc : add(cur, inc));
  }
  return out;
}

const numDiff = (cur: number, prev: number | null) => (prev === null ? cur : cur >= prev ? cur - prev : cur);
const arrDiff = (cur: number[], prev: number[] | null) =>
  prev === null || prev.length !== cur.length ? cur : cur.map((c, i) => (c >= prev[i]! ? c - prev[i]! : c));
const arrAdd = (a: number[], b: number[]) => (a.length === b.length ? a.map((x, i) => x + b[i]!) : a);

export function explicitQuantile(q: number, bounds: number[], counts: number[]): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (seen + c >= rank && c > 0) {
      if (i >= bounds.length) return bounds[bounds.length - 1] ?? null; // +Inf bucket
      const upper = bounds[i]!;
      const lower = i === 0 ? Math.min(0, upper) : bounds[i - 1]!;
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return bounds[bounds.length - 1] ?? null;
}

export type Agg =
  | 'rate'
  | 'increase'
  | 'last'
  | 'avg'
  | 'sum'
  | 'min'
  | 'max'
  | 'p50'
  | 'p90'
  | 'p95'
  | 'p99'
  | 'heatmap';

export interface Aggregated {
  /** Per group: step index → value, or bucket counts for heatmap. */
  groups: Map<string, Map<number, number | number[]>>;
  /** heatmap only: the bucket bounds every count array refers to (bounds.length + 1 counts). */
  bounds?: number[];
  /** heatmap of exponential histograms only: the scale the bounds were computed at. */
  scale?: number;
}

/** Aggregates points (sorted by time) per group and step; see Agg. */
export function aggregate(points: StoredPoint[], agg: Agg, g: Grid): Aggregated {
  const bySeries = new Map<string, StoredPoint[]>();
  for (const p of points) {
    getOrCreate(bySeries, p.seriesKey, () => []).push(p);
  }
  const groups = new Map<string, Map<number, number | number[]>>();
  const counts = new Map<string, Map<number, number>>(); // for avg
  const expAcc = new Map<string, Map<number, ExpAcc>>();
  const merge = (group: string, i: number, v: number | number[], how: (a: never, b: never) => number | number[]) => {
    const m = getOrCreate(groups, group, () => new Map<number, number | number[]>());
    const cur = m.get(i);
    m.set(i, cur === undefined ? v : how(cur as never, v as never));
  };
  const q = agg.startsWith('p') ? Number(agg.slice(1)) / 100 : 0;
  for (const series of bySeries.values()) {
    const group = series[0]!.groupKey;
    if (agg === 'rate' || agg === 'increase') {
      for (const [i, inc] of increases(
        series,
        g,
        (p) => p.value,
        numDiff,
        (a, b) => a + b,
      )) {
        merge(group, i, agg === 'rate' ? inc / (g.stepMs / 1000) : inc, (a: number, b: number) => a + b);
      }
    } else if (agg === 'last' || agg === 'avg' || agg === 'sum' || agg === 'min' || agg === 'max') {
      const last = new Map<number, number>();
      for (const p of series) {
        const i = stepOf(g, p.timeMs);
        if (p.value === null || i < 0 || i >= g.steps || p.timeMs < g.fromMs) continue;
        if (agg === 'last') last.set(i, p.value);
        else if (agg === 'min') merge(group, i, p.value, (a: number, b: number) => Math.min(a, b));
        else if (agg === 'max') merge(group, i, p.value, (a: number, b: number) => Math.max(a, b));
        else {
          merge(group, i, p.value, (a: number, b: number) => a + b);
          if (agg === 'avg') {
            const c = getOrCreate(counts, group, () => new Map<number, number>());
            c.set(i, (c.get(i) ?? 0) + 1);
          }
        }
      }
      for (const [i, v] of last) merge(group, i, v, (a: number, b: number) => a + b);
    } else if (series[0]!.exp) {
      const incs = increases<ExpAcc>(series, g, (p) => (p.exp ? expAccOf(p.exp) : null), expDiff, expAdd);
      const m = getOrCreate(expAcc, group, () => new Map<number, ExpAcc>());
      for (const [i, acc] of incs) m.set(i, m.has(i) ? expAdd(m.get(i)!, acc) : acc);
    } else if (series[0]!.quantiles) {
      for (const p of series) {
        const i = stepOf(g, p.timeMs);
        const hit = p.quantiles?.find(([qq]) => Math.abs(qq - q) < 1e-9);
        if (hit && i >= 0 && i < g.steps && p.timeMs >= g.fromMs) merge(group, i, hit[1], (_a: number, b: number) => b);
      }
    } else if (series[0]!.counts) {
      for (const [i, inc] of increases(series, g, (p) => p.counts, arrDiff, arrAdd))
        merge(group, i, inc, arrAdd as never);
    }
  }
  if (agg === 'avg') {
    for (const [group, m] of groups) for (const [i, v] of m) m.set(i, (v as number) / (counts.get(group)?.get(i) ?? 1));
  }
  if (agg === 'heatmap' && expAcc.size > 0) {
    const heat = expHeatmap(expAcc);
    return { groups: heat.rows as Aggregated['groups'], bounds: heat.bounds, scale: heat.scale };
  }
  if (agg === 'heatmap') return { groups, bounds: points.find((p) => p.bounds)?.bounds ?? [] };
  if (q > 0) {
    const bounds = points.find((p) => p.bounds)?.bounds ?? [];
    for (const [group, m] of expAcc) {
      const out = new Map<number, number>();
      for (const [i, acc] of m) {
        const v = expQuantile(q, acc);
        if (v !== null) out.set(i, v);
      }
      groups.set(group, out);
    }
    if (expAcc.size === 0) {
      for (const [, m] of groups) {
        for (const [i, v] of m) {
          if (!Array.isArray(v)) continue;
          const quant = explicitQuantile(q, bounds, v);
          if (quant === null) m.delete(i);
          else m.set(i, quant);
        }
      }
    }
  }
  return { groups };
}
