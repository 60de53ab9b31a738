import type { LogRow, SpanRow } from './sightline-backend.js';

/** Spans of one trace, with parent lookups, for asserting the shape of a trace. */
export class SpanTree {
  readonly #byId = new Map<string, SpanRow>();

  constructor(readonly spans: SpanRow[]) {
    for (const span of spans) this.#byId.set(span.spanId, span);
  }

  static of(all: SpanRow[], traceId: string): SpanTree {
    return new SpanTree(all.filter((s) => s.traceId === traceId));
  }

  get root(): SpanRow | undefined {
    return this.spans.find((s) => !s.parentSpanId);
  }

  /** True when `ancestor` is `span`'s parent, grandparent, … */
  isDescendant(span: SpanRow, ancestor: SpanRow): boolean {
    for (let p = this.#byId.get(span.parentSpanId); p; p = this.#byId.get(p.parentSpanId)) {
      if (p.spanId === ancestor.spanId) return true;
    }
    return false;
  }

  descendants(ancestor: SpanRow, match: (s: SpanRow) => boolean): SpanRow[] {
    return this.spans.filter((s) => match(s) && this.isDescendant(s, ancestor));
  }

  /** Spans whose parent id points at no span of the trace: propagation gaps. */
  orphans(): SpanRow[] {
    return this.spans.filter((s) => s.parentSpanId && !this.#byId.has(s.parentSpanId));
  }
}

export const isPostgres = (s: SpanRow): boolean =>
  s.kind === 'client' &&
  (s.attributes['db.system.name'] === 'postgresql' || s.attributes['db.system'] === 'postgresql');
export const isRedis = (s: SpanRow): boolean =>
  s.kind === 'client' && (s.attributes['db.system.name'] === 'redis' || s.attributes['db.system'] === 'redis');

export const routeOf = (s: SpanRow): unknown => s.attributes['http.route'];
export const methodOf = (s: SpanRow): unknown => s.attributes['http.request.method'] ?? s.attributes['http.method'];
export const statusOf = (s: SpanRow): unknown =>
  s.attributes['http.response.status_code'] ?? s.attributes['http.status_code'];

export function messageOf(log: LogRow): string {
  if (typeof log.body === 'string') return log.body;
  const body = log.body as { msg?: unknown } | null;
  return typeof body?.msg === 'string' ? body.msg : JSON.stringify(log.body);
}

export const HEX32 = /^[0-9a-f]{32}$/;
export const HEX16 = /^[0-9a-f]{16}$/;

/** Narrows away a missing value, failing the test with a message naming what was expected. */
export function must<T>(value: T | null | undefined, what: string): T {
  if (value === undefined || value === null) throw new Error(`expected ${what}, found none`);
  return value;
}
