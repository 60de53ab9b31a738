// Time ranges as the query API accepts them (`now-15m`, ms since epoch, RFC 3339), resolved for charts.

export const DEFAULT_FROM = 'now-1h';
export const DEFAULT_TO = 'now';

export const RANGE_PRESETS: { label: string; from: string }[] = [
  { label: 'Last 5 minutes', from: 'now-5m' },
  { label: 'Last 15 minutes', from: 'now-15m' },
  { label: 'Last 1 hour', from: 'now-1h' },
  { label: 'Last 6 hours', from: 'now-6h' },
  { label: 'Last 24 hours', from: 'now-24h' },
  { label: 'Last 7 days', from: 'now-7d' },
];

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** Resolve a time expression to ms since the epoch, or null when it is not one the API accepts. */
export function resolveTime(expr: string, now = Date.now()): number | null {
  const s = expr.trim();
  if (s === 'now') return now;
  const rel = /^now-(\d+)(s|m|h|d|w)$/.exec(s);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] ?? 0);
  if (/^\d{10,}(\.\d+)?$/.test(s)) return Number(s);
  if (/^\d{4}-\d{2}-\d{2}T/.test(s)) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

export interface TimeRange {
  from: string;
  to: string;
}

export function rangeFromParams(p: URLSearchParams): TimeRange {
  const from = p.get('from') ?? DEFAULT_FROM;
  const to = p.get('to') ?? DEFAULT_TO;
  return {
    from: resolveTime(from) == null ? DEFAULT_FROM : from,
    to: resolveTime(to) == null ? DEFAULT_TO : to,
  };
}

/** Chart step giving about `points` points over the range, rounded to a friendly size. */
export function stepFor(range: TimeRange, points = 60, now = Date.now()): string {
  // Both ends against one clock reading: two readings a millisecond apart made an hour 3,600,001 ms (a 120 s step).
  const { fromMs, toMs } = resolveRange(range, now);
  const raw = Math.max(1000, (toMs - fromMs) / points);
  const steps = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21_600, 43_200, 86_400];
  const s = steps.find((x) => x * 1000 >= raw) ?? 86_400;
  return `${s}s`;
}

export function stepMs(step: string): number {
  return Number(step.replace(/s$/, '')) * 1000;
}

/** The range as ms since the epoch, resolved now. */
export function resolveRange(range: TimeRange, now = Date.now()): { fromMs: number; toMs: number } {
  return { fromMs: resolveTime(range.from, now) ?? now - 3_600_000, toMs: resolveTime(range.to, now) ?? now };
}
