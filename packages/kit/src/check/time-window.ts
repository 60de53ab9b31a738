import { KitError } from '../kit-error.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `now`, `now-15m` (ms|s|m|h|d), milliseconds since the epoch, or RFC 3339 → ms since the epoch. */
export function parseTime(value: string, flag: string, now = Date.now()): number {
  const v = value.trim();
  if (v === 'now') return now;
  const rel = /^now-(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(v);
  if (rel) return now - Number(rel[1]) * (UNIT_MS[rel[2] as string] as number);
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const parsed = Date.parse(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(parsed)) return parsed;
  throw new KitError(
    'SIGHTLINE_ERR_CHECK_TIME',
    `${flag} "${value}" is not a time; accepted: now, now-15m (ms/s/m/h/d), epoch milliseconds or RFC 3339`,
  );
}
