import {
  type CheckLog,
  type CheckSpan,
  type CheckThresholds,
  type GateResult,
  gate,
  OffenderTally,
  percent,
} from './check-model.js';

const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;

/** Why an id is unusable, or undefined when it is 32/16 lowercase hex and not all zeros. */
export function invalidIdReason(value: string | undefined, kind: 'trace_id' | 'span_id'): string | undefined {
  if (value === undefined) return `no ${kind}`;
  const pattern = kind === 'trace_id' ? TRACE_ID : SPAN_ID;
  const length = kind === 'trace_id' ? 32 : 16;
  if (!pattern.test(value)) {
    if (value.length !== length) return `${kind} "${value}" has ${value.length} characters, expected ${length} hex`;
    return `${kind} "${value}" is not lowercase hex`;
  }
  if (/^0+$/.test(value)) return `${kind} is all zeros (the invalid id)`;
  return undefined;
}

/** Merged [start, end] intervals of each service's server/consumer spans: when the service was serving requests. */
function requestIntervals(spans: CheckSpan[]): Map<string, Array<[number, number]>> {
  const byService = new Map<string, Array<[number, number]>>();
  for (const s of spans) {
    if (s.kind !== 'server' && s.kind !== 'consumer') continue;
    const list = byService.get(s.service) ?? [];
    list.push([s.startMs, s.startMs + s.durationMs]);
    byService.set(s.service, list);
  }
  for (const [service, list] of byService) {
    list.sort((a, b) => a[0] - b[0]);
    const merged: Array<[number, number]> = [];
    for (const iv of list) {
      const last = merged[merged.length - 1];
      if (last && iv[0] <= last[1]) last[1] = Math.max(last[1], iv[1]);
      else merged.push([iv[0], iv[1]]);
    }
    byService.set(service, merged);
  }
  return byService;
}

function inside(intervals: Array<[number, number]> | undefined, t: number | undefined): boolean {
  if (!intervals || t === undefined) return false;
  let lo = 0;
  let hi = intervals.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const iv = intervals[mid] as [number, number];
    if (t < iv[0]) hi = mid - 1;
    else if (t > iv[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

const example = (log: CheckLog) => `e.g. ${JSON.stringify(log.message.slice(0, 80))} (${log.origin})`;

/**
 * Log–trace correlation coverage and invalid ids. A record counts as emitted in request context when it carries
 * request fields or ids, or (with spans) when it was written while its service was inside a server/consumer span.
 */
export function correlationGates(
  logs: CheckLog[],
  spans: CheckSpan[] | undefined,
  thresholds: CheckThresholds,
): GateResult[] {
  const spanKeys = spans ? new Set(spans.map((s) => `${s.traceId}/${s.spanId}`)) : undefined;
  const intervals = spans ? requestIntervals(spans) : undefined;
  const uncorrelated = new OffenderTally();
  const invalid = new OffenderTally();
  let inRequest = 0;
  let correlated = 0;
  let invalidCount = 0;
  for (const log of logs) {
    const hasIds = log.traceId !== undefined || log.spanId !== undefined;
    const reason = invalidIdReason(log.traceId, 'trace_id') ?? invalidIdReason(log.spanId, 'span_id');
    if (hasIds && reason) {
      invalidCount++;
      invalid.add(log.service, `${reason}; ${example(log)}`);
    }
    const duringRequest = log.requestFields || inside(intervals?.get(log.service), log.timeMs);
    if (!duringRequest) continue;
    inRequest++;
    if (!hasIds) {
      uncorrelated.add(`${log.service}: no trace_id/span_id`, example(log));
    } else if (reason) {
      uncorrelated.add(`${log.service}: invalid ids`, `${reason}; ${example(log)}`);
    } else if (spanKeys && !spanKeys.has(`${log.traceId}/${log.spanId}`)) {
      uncorrelated.add(
        `${log.service}: span not in stored traces`,
        `trace ${log.traceId} span ${log.spanId}; ${example(log)}`,
      );
    } else correlated++;
  }
  const coverage = percent(correlated, inRequest);
  const verified = spanKeys
    ? 'that exist in stored traces'
    : 'that are well-formed (existence not verified: no span source)';
  return [
    gate({
      id: 'correlation',
      title: 'log–trace correlation',
      value: inRequest === 0 ? null : coverage,
      threshold: thresholds.minCorrelation,
      unit: '%',
      comparison: '>=',
      hasData: inRequest > 0,
      summary:
        inRequest === 0
          ? 'no log records emitted in request context'
          : `${correlated} of ${inRequest} in-request log records carry a trace_id/span_id ${verified}`,
      offenders: uncorrelated.worst(),
    }),
    gate({
      id: 'invalid-ids',
      title: 'invalid trace/span ids in logs',
      value: invalidCount,
      threshold: thresholds.maxInvalidIds,
      unit: 'count',
      comparison: '<=',
      hasData: logs.length > 0,
      summary:
        logs.length === 0
          ? 'no log records'
          : `${invalidCount} of ${logs.length} log records carry malformed or all-zero ids`,
      offenders: invalid.worst(),
    }),
  ];
}
