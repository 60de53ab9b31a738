/** A span row as `GET /api/spans` returns it (docs/query-api.md, bulk reads). */
export interface CheckSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  name: string;
  kind: string;
  startMs: number;
  durationMs: number;
  statusCode: string;
  statusMessage?: string;
  scopeName: string;
  scopeVersion?: string;
  attributes: Record<string, unknown>;
  resource?: Record<string, unknown>;
  events?: Array<{ name: string; timeMs?: number; attributes?: Record<string, unknown> }>;
}

/** A log record reduced to what the gates need, from the store or from a JSON-lines file. */
export interface CheckLog {
  service: string;
  timeMs?: number;
  message: string;
  /** The raw correlation fields as written; undefined when the record has none. */
  traceId?: string;
  spanId?: string;
  /** The record carries request fields (HTTP method, URL, route, request id…) or correlation ids. */
  requestFields: boolean;
  /** Where it came from, for offender examples: `file:12` or a store row id. */
  origin: string;
}

export interface CheckThresholds {
  /** Minimum share (percent) of in-request logs whose trace_id/span_id exist in stored traces. */
  minCorrelation: number;
  /** Maximum number of log records with malformed or all-zero ids. */
  maxInvalidIds: number;
  /** Maximum number of broken trace links (orphan spans plus calls whose traceparent did not arrive). */
  maxBrokenLinks: number;
  /** Minimum share (percent) of spans from auto-instrumentation scopes. */
  minAutoShare: number;
  /** Maximum share (percent) of HTTP/DB/messaging/RPC spans missing required semantic-convention attributes. */
  maxMissingAttributes: number;
  /** Maximum share (percent) of error spans with no exception event on them or below them. */
  maxErrorsWithoutException: number;
}

export const DEFAULT_THRESHOLDS: CheckThresholds = {
  minCorrelation: 100,
  maxInvalidIds: 0,
  maxBrokenLinks: 0,
  minAutoShare: 80,
  maxMissingAttributes: 0,
  maxErrorsWithoutException: 0,
};

export interface Offender {
  /** Service, service pair (`api → inventory`), span name or scope. */
  key: string;
  count: number;
  detail: string;
}

export type GateStatus = 'pass' | 'fail' | 'no-data' | 'skipped';

export interface GateResult {
  id: 'correlation' | 'invalid-ids' | 'broken-traces' | 'auto-share' | 'semconv-attributes' | 'error-exceptions';
  title: string;
  status: GateStatus;
  /** Measured value: percent for shares, a count for counts. */
  value: number | null;
  threshold: number;
  unit: '%' | 'count';
  /** `>=` means value must be at least threshold. */
  comparison: '>=' | '<=';
  summary: string;
  offenders: Offender[];
}

export interface CheckReport {
  window: { from: string; to: string };
  source: string;
  spans: number;
  logs: number;
  gates: GateResult[];
  failed: boolean;
}

export function percent(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

/** Counts offenders by key, keeping the first detail seen, worst first. */
export class OffenderTally {
  private readonly counts = new Map<string, Offender>();
  add(key: string, detail: string): void {
    const o = this.counts.get(key);
    if (o) o.count++;
    else this.counts.set(key, { key, count: 1, detail });
  }
  worst(limit = 10): Offender[] {
    return [...this.counts.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key)).slice(0, limit);
  }
}

export function gate(base: Omit<GateResult, 'status'> & { hasData: boolean }): GateResult {
  const { hasData, ...rest } = base;
  if (!hasData || rest.value === null) return { ...rest, status: 'no-data' };
  const ok = rest.comparison === '>=' ? rest.value >= rest.threshold : rest.value <= rest.threshold;
  return { ...rest, status: ok ? 'pass' : 'fail' };
}
