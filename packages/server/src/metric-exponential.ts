/**
 * Exponential histograms (OTLP ExponentialHistogramDataPoint): bucket index i at scale s covers
 * (base^i, base^(i+1)] with base = 2^(2^-s) for positive values, and the mirror image [-base^(i+1), -base^i) for
 * negative ones; the zero bucket holds values within zero_threshold of 0. Going from scale s to s-1 merges buckets
 * i → i >> 1 (floor division, also for negative indexes), which is how points of different scales are combined.
 */

/** The `buckets` JSON stored by metric-rows.ts for an exponential histogram point. */
export interface ExpBuckets {
  scale: number;
  zeroCount: number;
  zeroThreshold?: number;
  positive: { offset: number; counts: number[] };
  negative?: { offset: number; counts: number[] };
}

/** Bucket counts at one scale (sparse), ready to add, diff and downscale. */
export interface ExpAcc {
  scale: number;
  zero: number;
  pos: Map<number, number>;
  neg: Map<number, number>;
}

function sparse(side: { offset: number; counts: number[] } | undefined): Map<number, number> {
  const m = new Map<number, number>();
  side?.counts.forEach((c, k) => {
    if (c) m.set(side.offset + k, c);
  });
  return m;
}

export const expAccOf = (e: ExpBuckets): ExpAcc => ({
  scale: e.scale,
  zero: e.zeroCount,
  pos: sparse(e.positive),
  neg: sparse(e.negative),
});

function shiftMap(m: Map<number, number>, shift: number): Map<number, number> {
  if (shift === 0) return m;
  const out = new Map<number, number>();
  for (const [i, c] of m) {
    const j = Math.floor(i / 2 ** shift);
    out.set(j, (out.get(j) ?? 0) + c);
  }
  return out;
}

/** The same counts at a smaller (coarser) scale; a larger target scale leaves `a` unchanged. */
export function downscale(a: ExpAcc, scale: number): ExpAcc {
  if (a.scale <= scale) return a;
  const shift = a.scale - scale;
  return { scale, zero: a.zero, pos: shiftMap(a.pos, shift), neg: shiftMap(a.neg, shift) };
}

function addMaps(a: Map<number, number>, b: Map<number, number>): Map<number, number> {
  const out = new Map(a);
  for (const [i, c] of b) out.set(i, (out.get(i) ?? 0) + c);
  return out;
}

export function expAdd(a: ExpAcc, b: ExpAcc): ExpAcc {
  const scale = Math.min(a.scale, b.scale);
  const x = downscale(a, scale);
  const y = downscale(b, scale);
  return { scale, zero: x.zero + y.zero, pos: addMaps(x.pos, y.pos), neg: addMaps(x.neg, y.neg) };
}

/**
 * Increase from the previous cumulative point to this one, at the smaller of the two scales (an SDK lowers the scale
 * of a cumulative histogram as its range grows). Any bucket going down means a reset: the whole point is the increase.
 */
export function expDiff(cur: ExpAcc, prev: ExpAcc | null): ExpAcc {
  if (prev === null) return cur;
  const scale = Math.min(cur.scale, prev.scale);
  const c = downscale(cur, scale);
  const p = downscale(prev, scale);
  let reset = c.zero < p.zero;
  const diff = (now: Map<number, number>, before: Map<number, number>) => {
    const out = new Map<number, number>();
    for (const [i, n] of now) {
      const d = n - (before.get(i) ?? 0);
      if (d < 0) reset = true;
      if (d !== 0) out.set(i, d);
    }
    for (const i of before.keys()) if (!now.has(i)) reset = true;
    return out;
  };
  const pos = diff(c.pos, p.pos);
  const neg = diff(c.neg, p.neg);
  return reset ? cur : { scale, zero: c.zero - p.zero, pos, neg };
}

const lowerBoundary = (i: number, scale: number) => 2 ** (i * 2 ** -scale);

/** Value at quantile q (0..1), interpolating linearly inside the bucket that holds the rank. */
export function expQuantile(q: number, acc: ExpAcc): number | null {
  // Ascending by value: negative buckets from the largest index down, the zero bucket, positive buckets up.
  const ordered: [lower: number, upper: number, count: number][] = [];
  for (const i of [...acc.neg.keys()].sort((a, b) => b - a)) {
    ordered.push([-lowerBoundary(i + 1, acc.scale), -lowerBoundary(i, acc.scale), acc.neg.get(i)!]);
  }
  ordered.push([0, 0, acc.zero]);
  for (const i of [...acc.pos.keys()].sort((a, b) => a - b)) {
    ordered.push([lowerBoundary(i, acc.scale), lowerBoundary(i + 1, acc.scale), acc.pos.get(i)!]);
  }
  const total = ordered.reduce((s, [, , c]) => s + c, 0);
  if (total <= 0) return null;
  const rank = q * total;
  let seen = 0;
  for (const [lower, upper, c] of ordered) {
    if (c > 0 && seen + c >= rank) return lower + (upper - lower) * ((rank - seen) / c);
    seen += c;
  }
  return null;
}

/** Largest number of buckets a heatmap row has before the scale is lowered further. */
export const MAX_HEATMAP_BUCKETS = 160;

export interface ExpHeatmap {
  scale: number;
  bounds: number[];
  /** Same keys as the input; each value has bounds.length + 1 counts. */
  rows: Map<string, Map<number, number[]>>;
}

function indexRange(accs: ExpAcc[], side: 'pos' | 'neg'): [number, number] | undefined {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of accs) {
    for (const [i, c] of a[side]) {
      if (c === 0) continue;
      lo = Math.min(lo, i);
      hi = Math.max(hi, i);
    }
  }
  return lo <= hi ? [lo, hi] : undefined;
}

/**
 * Turns per-group, per-step exponential counts into explicit-style heatmap rows over one shared set of bounds, like
 * an explicit histogram's: counts[k] covers (bounds[k-1], bounds[k]], the first slot is (-Inf, bounds[0]] and the last
 * (bounds[n-1], +Inf). All rows are brought to the smallest scale present, lowered further until at most
 * MAX_HEATMAP_BUCKETS buckets span the data. Bounds ascend: negative bucket edges (when negatives exist), then positive
 * edges from base^minIndex to base^(maxIndex+1) (just [0] when there are no positive values). The zero bucket's count
 * is the slot just below the first positive edge (for non-negative data that is counts[0]).
 */
export function expHeatmap(groups: Map<string, Map<number, ExpAcc>>): ExpHeatmap {
  const all = [...groups.values()].flatMap((m) => [...m.values()]);
  if (all.length === 0) return { scale: 0, bounds: [], rows: new Map() };
  let scale = Math.min(...all.map((a) => a.scale));
  let accs = all.map((a) => downscale(a, scale));
  const span = () => {
    const p = indexRange(accs, 'pos');
    const n = indexRange(accs, 'neg');
    return (p ? p[1] - p[0] + 1 : 0) + (n ? n[1] - n[0] + 1 : 0);
  };
  while (span() > MAX_HEATMAP_BUCKETS && scale > -10) {
    scale--;
    accs = accs.map((a) => downscale(a, scale));
  }
  const pos = indexRange(accs, 'pos');
  const neg = indexRange(accs, 'neg');
  const bounds: number[] = [];
  if (neg) for (let i = neg[1] + 1; i >= neg[0]; i--) bounds.push(-lowerBoundary(i, scale));
  if (pos) for (let i = pos[0]; i <= pos[1] + 1; i++) bounds.push(lowerBoundary(i, scale));
  else bounds.push(0);
  const row = (a: ExpAcc): number[] => {
    const d = downscale(a, scale);
    const out: number[] = [];
    if (neg) {
      out.push(0);
      for (let i = neg[1]; i >= neg[0]; i--) out.push(d.neg.get(i) ?? 0);
    }
    out.push(d.zero);
    if (pos) for (let i = pos[0]; i <= pos[1]; i++) out.push(d.pos.get(i) ?? 0);
    out.push(0);
    return out;
  };
  const rows = new Map<string, Map<number, number[]>>();
  for (const [group, m] of groups) rows.set(group, new Map([...m].map(([step, a]) => [step, row(a)])));
  return { scale, bounds, rows };
}
