import { SightlineError } from './errors.js';

/** Inclusive-exclusive time range in ms since the epoch. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}
/** `attr.<key>=<value>` equality filters: point/span/log attributes first, then resource attributes. */
export type AttrFilters = [key: string, value: string][];

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `1764150000000`, `2026-11-26T10:00:00Z`, `now`, `now-15m`. */
export function parseTime(value: string, name: string, nowMs: number): number {
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const rel = /^now(?:\s*-\s*(\d+(?:\.\d+)?)(ms|s|m|h|d|w))?$/.exec(v);
  if (rel) return rel[1] ? nowMs - Number(rel[1]) * (UNIT_MS[rel[2]!] ?? 0) : nowMs;
  const t = Date.parse(v);
  if (/^\d{4}-\d{2}-\d{2}/.test(v) && !Number.isNaN(t)) return t;
  throw new SightlineError(
    'SIGHTLINE_ERR_BAD_TIME',
    `${name}="${value}" is not a time; use ms since the epoch, RFC 3339 (2026-11-26T10:00:00Z) or now-15m / now`,
  );
}

export function parseRange(params: URLSearchParams, nowMs = Date.now()): TimeRange {
  const toMs = params.has('to') ? parseTime(params.get('to')!, 'to', nowMs) : nowMs;
  const fromMs = params.has('from') ? parseTime(params.get('from')!, 'from', nowMs) : toMs - 3_600_000;
  if (!(fromMs < toMs)) {
    throw new SightlineError('SIGHTLINE_ERR_BAD_TIME', `from (${fromMs}) must be before to (${toMs})`);
  }
  return { fromMs, toMs };
}

/** Duration parameter such as `step=60s`, `step=60000` (ms), `1m`. */
export function parseStepMs(value: string | null, range: TimeRange): number {
  if (value === null || value === '') {
    const raw = (range.toMs - range.fromMs) / 60;
    const nice = [
      1000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000, 10_800_000,
      21_600_000, 43_200_000, 86_400_000,
    ];
    return nice.find((n) => n >= raw) ?? 86_400_000;
  }
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(value.trim());
  const ms = m ? Number(m[1]) * (m[2] ? (UNIT_MS[m[2]] ?? 1) : 1) : Number.NaN;
  if (!(ms >= 1000))
    throw new SightlineError(
      'SIGHTLINE_ERR_BAD_PARAM',
      `step="${value}" is not a step of at least 1s; use e.g. 60s, 5m or 60000`,
    );
  if ((range.toMs - range.fromMs) / ms > 11_000) {
    throw new SightlineError(
      'SIGHTLINE_ERR_BAD_PARAM',
      `step="${value}" gives more than 11,000 points over the range; use a larger step`,
    );
  }
  return ms;
}

export function parseAttrs(params: URLSearchParams): AttrFilters {
  const out: AttrFilters = [];
  for (const [k, v] of params) if (k.startsWith('attr.') && k.length > 5) out.push([k.slice(5), v]);
  return out;
}

export function parseLimit(params: URLSearchParams, fallback: number, max: number): number {
  const raw = params.get('limit');
  if (raw === null || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new SightlineError('SIGHTLINE_ERR_BAD_PARAM', `limit="${raw}" is not an integer between 1 and ${max}`);
  }
  return n;
}

export function parseNumber(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0)
    throw new SightlineError('SIGHTLINE_ERR_BAD_PARAM', `${name}="${raw}" is not a non-negative number`);
  return n;
}

export const msToNs = (ms: number) => BigInt(Math.floor(ms * 1e6));
/** ns → ms with µs precision (exact for whole ms; a double cannot hold epoch ns exactly). */
export const nsToMs = (ns: unknown) => (typeof ns === 'bigint' ? Number(ns / 1000n) / 1000 : Number(ns) / 1e6);

/** JSON path for a key in an attributes column: `$."http.route"`. */
export const jsonPath = (key: string) => `$."${key.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** SQL for attribute filters (one `?`-pair per filter) plus its parameters. */
export function attrSql(filters: AttrFilters): { sql: string; params: string[] } {
  const parts: string[] = [];
  const params: string[] = [];
  for (const [k, v] of filters) {
    parts.push('coalesce(json_extract_string(attributes, ?), json_extract_string(resource, ?)) = ?');
    const p = jsonPath(k);
    params.push(p, p, v);
  }
  return { sql: parts.length ? ` AND ${parts.join(' AND ')}` : '', params };
}

/** Opaque cursor = base64url of "ns:seq". */
export const encodeCursor = (ns: bigint | number, seq: bigint | number) =>
  Buffer.from(`${ns}:${seq}`).toString('base64url');
export function decodeCursor(raw: string | null): { ns: bigint; seq: bigint } | undefined {
  if (!raw) return undefined;
  const m = /^(-?\d+):(\d+)$/.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!m)
    throw new SightlineError(
      'SIGHTLINE_ERR_BAD_CURSOR',
      `cursor="${raw.slice(0, 40)}" is not a cursor returned by this API`,
    );
  return { ns: BigInt(m[1]!), seq: BigInt(m[2]!) };
}

/**
 * One page of rows fetched with `LIMIT limit + 1`: the extra row only says there is more; the cursor points after the
 * last row kept, by its time column and insertion sequence.
 */
export function cursorPage<R extends Record<string, unknown>>(
  rows: R[],
  limit: number,
  timeColumn: string,
): { page: R[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return { page, nextCursor: more && last ? encodeCursor(last[timeColumn] as bigint, last.seq as bigint) : null };
}

export const SEVERITY_MIN: Record<string, number> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  warning: 13,
  error: 17,
  fatal: 21,
};

export function parseSeverity(raw: string | null): number | undefined {
  if (raw === null || raw === '') return undefined;
  const named = SEVERITY_MIN[raw.toLowerCase()];
  if (named !== undefined) return named;
  const n = Number(raw);
  if (Number.isInteger(n) && n >= 1 && n <= 24) return n;
  throw new SightlineError(
    'SIGHTLINE_ERR_BAD_PARAM',
    `severity="${raw}" is not trace|debug|info|warn|error|fatal or a number 1-24`,
  );
}

export const KIND_NAMES = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'];
export const STATUS_NAMES = ['unset', 'ok', 'error'];
