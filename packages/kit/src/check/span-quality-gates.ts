import { type CheckSpan, type CheckThresholds, type GateResult, gate, OffenderTally, percent } from './check-model.js';

/**
 * Scopes of automatic instrumentation: OpenTelemetry contrib instrumentations in any language, @sightline/node's own
 * instrumentations (`@sightline/node/<name>`; the bare `@sightline/node` tracer is withSpan/traced, i.e. manual),
 * and the framework-maintained ones (Next.js's built-in `next.js` tracer).
 */
const AUTO_SCOPE =
  /^(@opentelemetry\/instrumentation-|@sightline\/node\/|@fastify\/otel|@prisma\/instrumentation|opentelemetry\.instrumentation\.|io\.opentelemetry\.|go\.opentelemetry\.io\/contrib\/instrumentation\/|OpenTelemetry\.Instrumentation\.|Microsoft\.AspNetCore|System\.Net\.Http|next\.js$)/;

export function isAutoScope(scopeName: string): boolean {
  return AUTO_SCOPE.test(scopeName);
}

export function autoShareGate(spans: CheckSpan[], thresholds: CheckThresholds): GateResult {
  const manual = new OffenderTally();
  let auto = 0;
  for (const s of spans) {
    if (isAutoScope(s.scopeName)) auto++;
    else manual.add(`${s.service}: ${s.scopeName || '(no scope name)'}`, `manual span e.g. "${s.name}"`);
  }
  return gate({
    id: 'auto-share',
    title: 'share of spans from auto-instrumentation',
    value: spans.length === 0 ? null : percent(auto, spans.length),
    threshold: thresholds.minAutoShare,
    unit: '%',
    comparison: '>=',
    hasData: spans.length > 0,
    summary: spans.length === 0 ? 'no spans' : `${auto} of ${spans.length} spans come from auto-instrumentation scopes`,
    offenders: manual.worst(),
  });
}

/** Required attributes per span type (stable semantic conventions); `a|b` accepts either key. */
function requiredAttributes(span: CheckSpan): { type: string; required: string[] } | undefined {
  const a = span.attributes;
  const isHttp = 'http.request.method' in a || 'http.method' in a;
  if (isHttp && span.kind === 'server') {
    const required = ['http.request.method', 'url.path', 'url.scheme'];
    // A request that failed before a response has error.type instead of a status code.
    if (!('error.type' in a)) required.push('http.response.status_code');
    return { type: 'HTTP server', required };
  }
  if (isHttp && span.kind === 'client') {
    return { type: 'HTTP client', required: ['http.request.method', 'url.full', 'server.address', 'server.port'] };
  }
  if ('db.system.name' in a || 'db.system' in a) return { type: 'database', required: ['db.system.name|db.system'] };
  if ('messaging.system' in a) {
    return { type: 'messaging', required: ['messaging.system', 'messaging.destination.name|messaging.destination'] };
  }
  if ('rpc.system' in a) return { type: 'RPC', required: ['rpc.system', 'rpc.service|rpc.method'] };
  return undefined;
}

export function semconvAttributesGate(spans: CheckSpan[], thresholds: CheckThresholds): GateResult {
  const offenders = new OffenderTally();
  let typed = 0;
  let missingSpans = 0;
  for (const s of spans) {
    const rule = requiredAttributes(s);
    if (!rule) continue;
    typed++;
    const missing = rule.required.filter((alts) => !alts.split('|').some((k) => k in s.attributes));
    if (missing.length === 0) continue;
    missingSpans++;
    const legacy = ['http.method', 'http.status_code', 'http.target', 'http.url'].filter((k) => k in s.attributes);
    offenders.add(
      `${s.service}: ${s.name}`,
      `${rule.type} span missing ${missing.join(', ')}${legacy.length ? ` (has legacy ${legacy.join(', ')}; enable the stable HTTP conventions)` : ''}`,
    );
  }
  return gate({
    id: 'semconv-attributes',
    title: 'spans missing required semconv attributes',
    value: typed === 0 ? null : percent(missingSpans, typed),
    threshold: thresholds.maxMissingAttributes,
    unit: '%',
    comparison: '<=',
    hasData: typed > 0,
    summary:
      typed === 0
        ? 'no HTTP, database, messaging or RPC spans'
        : `${missingSpans} of ${typed} HTTP/DB/messaging/RPC spans miss required attributes`,
    offenders: offenders.worst(),
  });
}

/**
 * Error spans where no exception event was recorded, neither on the span nor on any span below it. All spans are
 * searched for exceptions; only those `counts` accepts (the window, the service) are judged.
 */
export function errorExceptionGate(
  spans: CheckSpan[],
  thresholds: CheckThresholds,
  counts: (span: CheckSpan) => boolean = () => true,
): GateResult {
  const withException = new Set<string>();
  const parentOf = new Map<string, string>();
  for (const s of spans) {
    if (s.parentSpanId) parentOf.set(`${s.traceId}/${s.spanId}`, `${s.traceId}/${s.parentSpanId}`);
  }
  for (const s of spans) {
    if (!(s.events ?? []).some((e) => e.name === 'exception')) continue;
    // Mark the span and its ancestors: an exception recorded below explains an error status above.
    let key: string | undefined = `${s.traceId}/${s.spanId}`;
    for (let depth = 0; key && depth < 256 && !withException.has(key); depth++) {
      withException.add(key);
      key = parentOf.get(key);
    }
  }
  const offenders = new OffenderTally();
  let errors = 0;
  let bare = 0;
  for (const s of spans) {
    if (s.statusCode !== 'error' || !counts(s)) continue;
    errors++;
    if (withException.has(`${s.traceId}/${s.spanId}`)) continue;
    bare++;
    offenders.add(
      `${s.service}: ${s.name}`,
      `error span without exception event${s.statusMessage ? ` (status "${s.statusMessage}")` : ''}, trace ${s.traceId}`,
    );
  }
  return gate({
    id: 'error-exceptions',
    title: 'error spans without exception events',
    value: errors === 0 ? null : percent(bare, errors),
    threshold: thresholds.maxErrorsWithoutException,
    unit: '%',
    comparison: '<=',
    hasData: errors > 0,
    summary:
      errors === 0
        ? 'no error spans'
        : `${bare} of ${errors} error spans have no exception event on them or below them`,
    offenders: offenders.worst(),
  });
}
