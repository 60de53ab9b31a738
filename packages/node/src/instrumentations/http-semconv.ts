// Shared names for the HTTP instrumentations: symbols on request objects and semconv constants.

import type { Span } from '@opentelemetry/api';
import type { RPCType } from '@opentelemetry/core';

/**
 * Everything the server instrumentation keeps for one request, in one object under one symbol on the
 * IncomingMessage (one hidden-class transition per request instead of one per field). It is also the request
 * context's RPC metadata (`getRPCMetadata(context.active())`), so `route` is set both by our framework
 * instrumentations and by official ones that report the route there (Koa, …).
 */
export interface ServerRequestState {
  readonly type: RPCType.HTTP;
  readonly span: Span;
  /** The matched route template (`/orders/:id`). */
  route?: string;
  /** Normalized request method (semconv). */
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** performance.now() at the start, or -1 when the span is recording (its own duration is used). */
  readonly start: number;
  /** False once the span has ended (response finished or client gone). */
  open: boolean;
}

/** Set on the IncomingMessage by the server instrumentation. */
export const kServerRequest = Symbol.for('sightline.http.serverRequest');
export const kClientSpan = Symbol.for('sightline.http.clientSpan');

/** The request's state while its server span is open. */
export function openServerRequest(req: unknown): ServerRequestState | undefined {
  const state = (req as { [kServerRequest]?: ServerRequestState } | null | undefined)?.[kServerRequest];
  return state?.open ? state : undefined;
}

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
  // A Set lookup hashes the request's path (a new string every time); a path whose length no exact pattern has, as
  // nearly every one, is ruled out without that.
  const exactLengths = new Set([...exact].map((p) => p.length));
  return (path) => {
    if (exactLengths.has(path.length) && exact.has(path)) return true;
    for (const prefix of prefixes) if (path.startsWith(prefix)) return true;
    return false;
  };
}
