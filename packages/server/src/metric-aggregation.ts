/**
 * Turns stored metric points into per-step values: counter increase/rate (cumulative with reset handling, or delta),
 * gauge last/avg/sum/min/max, histogram quantiles (Prometheus-style linear interpolation inside explicit buckets;
 * exponential histograms merged at the smallest scale) and per-bucket counts for heatmaps.
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
export interface ExpBuckets {
  scale: number;
  zeroCount: number;
  positive: { offset: number; counts: number[] };
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

function expMap(e: ExpBuckets): Map<number, number> {
  const m = new Map<number, number>();
  e.positive.counts.forEach((c, k) => {
    if (c) m.set(e.positive.offset + k, c);
  });
  m.set(Number.NEGATIVE_INFINITY, e.zeroCount);
  return m;
}

interface ExpAcc {
  scale: number;
  buckets: Map<number, number>;
}
function downscale(a: ExpAcc, scale: number): ExpAcc {
  if (a.scale <= scale) return a;
  const shift = a.scale - scale;
  const buckets = new Map<number, number>();
  for (const [i, c] of a.buckets) {
    const j = i === Number.NEGATIVE_INFINITY ? i : i >> shift;
    buckets.set(j, (buckets.get(j) ?? 0) + c);
  }
  return { scale, buckets };
}
function expDiff(cur: ExpAcc, prev: ExpAcc | null): ExpAcc {
  if (prev === null || prev.scale !== cur.scale) return cur;
  const buckets = new Map<number, number>();
  let reset = false;
  for (const [i, c] of cur.buckets) {
    const d = c - (prev.buckets.get(i) ?? 0);
    if (d < 0) reset = true;
    buckets.set(i, d);
  }
  return reset ? cur : { scale: cur.scale, buckets };
}
function expAdd(a: ExpAcc, b: ExpAcc): ExpAcc {
  const scale = Math.min(a.scale, b.scale);
  const x = downscale(a, scale);
  const y = downscale(b, scale);
  const buckets = new Map(x.buckets);
  for (const [i, c] of y.buckets) buckets.set(i, (buckets.get(i) ?? 0) + c);
  return { scale, buckets };
}

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

export function expQuantile(q: number, acc: ExpAcc): number | null {
  let total = 0;
  for (const c of acc.buckets.values()) total += c;
  if (total <= 0) return null;
  const rank = q * total;
  const base = 2 ** (2 ** -acc.scale);
  let seen = 0;
  for (const i of [...acc.buckets.keys()].sort((a, b) => a - b)) {
    const c = acc.buckets.get(i)!;
    if (c > 0 && seen + c >= rank) {
      if (i === Number.NEGATIVE_INFINITY) return 0;
      const lower = base ** i;
      const upper = base ** (i + 1);
      return lower + (upper - lower) * ((rank - seen) / c);
    }
    seen += c;
  }
  return null;
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

/** Per group: step index → value (or bucket counts for heatmap). Input points must be sorted by time. */
export function aggregate(points: StoredPoint[], agg: Agg, g: Grid): Map<string, Map<number, number | number[]>> {
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
      const incs = increases<ExpAcc>(
        series,
        g,
        (p) => (p.exp ? { scale: p.exp.scale, buckets: expMap(p.exp) } : null),
        expDiff,
        expAdd,
      );
      const m = getOrCreate(expAcc, group, () => new Map<number, ExpAcc>());
      for (const [i, acc] of incs) m.set(i, m.has(i) ? expAdd(m.get(i)!, acc) : acc);
    } else if (series[0]!.quantiles) {
      for (const p of series) {
        const i = stepOf(g, p.timeMs);
        const hit = p.quantiles?.find(([qq]) => Math.abs(qq - q) < 1e-9);
        if (hit && i >= 0 && i < g.steps && p.timeMs >= g.fromMs) merge(group, i, hit[1], (_a: number, b: number) => b);
      }
    } else {
      for (const [i, inc] of increases(series, g, (p) => p.counts, arrDiff, arrAdd))
        merge(group, i, inc, arrAdd as never);
    }
  }
  if (agg === 'avg') {
    for (const [group, m] of groups) for (const [i, v] of m) m.set(i, (v as number) / (counts.get(group)?.get(i) ?? 1));
  }
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
  return groups;
}
