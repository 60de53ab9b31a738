// Shared names for the HTTP instrumentations: symbols on request objects and semconv constants.

/** Set on the IncomingMessage by the server instrumentation. */
export const kServerSpan = Symbol.for('sightline.http.serverSpan');
/** The matched route template (`/orders/:id`), set by the framework instrumentations. */
export const kRoute = Symbol.for('sightline.http.route');
export const kStart = Symbol.for('sightline.http.start');
export const kClientSpan = Symbol.for('sightline.http.clientSpan');

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** Semconv: known methods as-is, anything else `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  if (!method) return 'GET';
  if (KNOWN_METHODS.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN_METHODS.has(upper) ? upper : '_OTHER';
}

/** Semconv advice for http.server.request.duration (seconds). */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** `/health*` → prefix match, anything else exact; compiled once. */
export function createRouteIgnorer(patterns: readonly string[]): (path: string) => boolean {
  const exact = new Set<string>();
  const prefixes: string[] = [];
  for (const p of patterns) {
    if (p.endsWith('*')) prefixes.push(p.slice(0, -1));
    else exact.add(p);
  }
  if (exact.size === 0 && prefixes.length === 0) return () => false;
  return (path) => {
    if (exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    return false;
  };
}
