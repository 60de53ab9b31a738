import { type CheckSpan, type CheckThresholds, type GateResult, gate, OffenderTally } from './check-model.js';

function str(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
}

/** Path and port a client span called, from stable or legacy HTTP attributes. */
function calledEndpoint(span: CheckSpan): { path?: string; port?: string } {
  const a = span.attributes;
  const out: { path?: string; port?: string } = {};
  const full = str(a['url.full']) ?? str(a['http.url']);
  if (full) {
    try {
      const u = new URL(full);
      out.path = u.pathname;
      if (u.port) out.port = u.port;
    } catch {}
  }
  const port = str(a['server.port']) ?? str(a['net.peer.port']);
  if (port) out.port = port;
  return out;
}

/** Path and port a server span served. */
function servedEndpoint(span: CheckSpan): { path?: string; port?: string } {
  const a = span.attributes;
  const out: { path?: string; port?: string } = {};
  const path = str(a['url.path']) ?? str(a['http.target'])?.split('?')[0];
  if (path) out.path = path;
  const port = str(a['server.port']) ?? str(a['net.host.port']);
  if (port) out.port = port;
  return out;
}

/** Paths decide when both are known (a proxy may change the port); ports decide otherwise. */
function compatible(call: { path?: string; port?: string }, served: { path?: string; port?: string }): boolean {
  if (call.path && served.path) return call.path === served.path;
  if (call.port && served.port) return call.port === served.port;
  return true;
}

/**
 * Calls that carry a traceparent to another instrumented service: producers, and client spans of HTTP or RPC.
 * Database and cache clients (pg, Redis, `pg-pool.connect`) never reach one, so a root span starting during them
 * in another service is a coincidence, not a propagation gap.
 */
function carriesContext(span: CheckSpan): boolean {
  if (span.kind === 'producer') return true;
  if (span.kind !== 'client') return false;
  const a = span.attributes;
  return (
    a['http.request.method'] !== undefined ||
    a['http.method'] !== undefined ||
    a['rpc.system'] !== undefined ||
    a['url.full'] !== undefined
  );
}

/** Processes stamp spans from their own clocks (timeOrigin + monotonic time), which drift apart by milliseconds. */
const CLOCK_SKEW_MS = 50;

function firstStartingAtOrAfter(sorted: CheckSpan[], t: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as CheckSpan).startMs < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Orphan spans (parent id set but the parent is nowhere in the store) and calls whose traceparent never arrived
 * (a client/producer span without children while, in another service, a new root server/consumer span started
 * inside it for the same path and port). Both are reported by service pair: caller → callee.
 */
export function traceIntegrityGate(spans: CheckSpan[], thresholds: CheckThresholds, service?: string): GateResult {
  const concerns = (a: string, b: string) => service === undefined || a === service || b === service;
  const byKey = new Map<string, CheckSpan>();
  // A call counts as answered when a span of another service (or a server/consumer span) is its child; local
  // children such as tcp.connect or dns.lookup say nothing about propagation.
  const hasRemoteChild = new Set<string>();
  for (const s of spans) byKey.set(`${s.traceId}/${s.spanId}`, s);
  for (const s of spans) {
    if (!s.parentSpanId) continue;
    const parent = byKey.get(`${s.traceId}/${s.parentSpanId}`);
    if (parent && (parent.service !== s.service || s.kind === 'server' || s.kind === 'consumer')) {
      hasRemoteChild.add(`${s.traceId}/${s.parentSpanId}`);
    }
  }
  // Spans grouped by trace, only for traces that have orphans (the caller lookup below needs them).
  const orphanTraces = new Set(
    spans.filter((s) => s.parentSpanId && !byKey.has(`${s.traceId}/${s.parentSpanId}`)).map((s) => s.traceId),
  );
  const byTrace = new Map<string, CheckSpan[]>();
  const traceIds = new Set<string>();
  for (const s of spans) {
    traceIds.add(s.traceId);
    if (!orphanTraces.has(s.traceId)) continue;
    const list = byTrace.get(s.traceId) ?? [];
    list.push(s);
    byTrace.set(s.traceId, list);
  }

  const offenders = new OffenderTally();
  const brokenTraces = new Set<string>();
  let orphans = 0;
  for (const s of spans) {
    if (!s.parentSpanId || byKey.has(`${s.traceId}/${s.parentSpanId}`)) continue;
    // The caller is the other service whose span in this trace encloses the orphan's start, when there is one.
    const enclosing = (byTrace.get(s.traceId) ?? [])
      .filter((o) => o.service !== s.service && o.startMs <= s.startMs && o.startMs + o.durationMs >= s.startMs)
      .sort((a, b) => b.startMs - a.startMs)[0];
    if (!concerns(enclosing?.service ?? '', s.service)) continue;
    orphans++;
    brokenTraces.add(s.traceId);
    offenders.add(
      `${enclosing?.service ?? '(unknown caller)'} → ${s.service}`,
      `orphan span "${s.name}" in trace ${s.traceId}: parent ${s.parentSpanId} is missing (caller's span not exported)`,
    );
  }

  const roots = spans
    .filter((s) => (s.kind === 'server' || s.kind === 'consumer') && !s.parentSpanId)
    .sort((a, b) => a.startMs - b.startMs);
  const used = new Set<CheckSpan>();
  let unpropagated = 0;
  const calls = spans.filter((s) => carriesContext(s) && !hasRemoteChild.has(`${s.traceId}/${s.spanId}`));
  for (const call of calls) {
    const endpoint = calledEndpoint(call);
    const end = call.startMs + call.durationMs;
    let candidate: CheckSpan | undefined;
    for (let i = firstStartingAtOrAfter(roots, call.startMs - CLOCK_SKEW_MS); i < roots.length; i++) {
      const r = roots[i] as CheckSpan;
      if (r.startMs > end + CLOCK_SKEW_MS) break;
      if (used.has(r) || r.service === call.service || r.traceId === call.traceId) continue;
      if (call.kind === 'producer' || compatible(endpoint, servedEndpoint(r))) {
        candidate = r;
        break;
      }
    }
    if (!candidate) continue;
    used.add(candidate);
    if (!concerns(call.service, candidate.service)) continue;
    unpropagated++;
    brokenTraces.add(call.traceId);
    offenders.add(
      `${call.service} → ${candidate.service}`,
      `traceparent not propagated: "${call.name}" (trace ${call.traceId}) started new trace ${candidate.traceId} at "${candidate.name}"`,
    );
  }
  const broken = orphans + unpropagated;
  return gate({
    id: 'broken-traces',
    title: 'orphan spans and broken traces',
    value: broken,
    threshold: thresholds.maxBrokenLinks,
    unit: 'count',
    comparison: '<=',
    hasData: spans.length > 0,
    summary:
      spans.length === 0
        ? 'no spans'
        : `${orphans} orphan span(s) and ${unpropagated} call(s) without propagated context, breaking ${brokenTraces.size} of ${traceIds.size} traces`,
    offenders: offenders.worst(),
  });
}
