// Express 4/5 route capture without module hooks: on a server's first request we find the Route class through the
// app's router stack and wrap Route#dispatch once. It records `http.route` (mount path + route template) and
// reports errors passed to next(err) on the server span.
import type { EventEmitter } from 'node:events';
import { SpanStatusCode } from '@opentelemetry/api';
import { openServerRequest } from './http-semconv.js';

interface Layer {
  route?: { path?: unknown };
  handle?: { stack?: Layer[] };
}
interface RouteProto {
  dispatch: (this: { path?: unknown }, req: ExpressReq, res: unknown, done: (err?: unknown) => void) => unknown;
}
type ExpressReq = { baseUrl?: string };

const seenServers = new WeakSet<object>();
const patched = new WeakSet<object>();
let enabled = true;

function findRouteProto(stack: Layer[] | undefined, depth: number): RouteProto | undefined {
  if (!stack || depth > 4) return undefined;
  for (const layer of stack) {
    if (layer.route) return Object.getPrototypeOf(layer.route) as RouteProto;
  }
  for (const layer of stack) {
    const found = findRouteProto(layer.handle?.stack, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function routeTemplate(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(routeTemplate).join(',');
  return String(path);
}

function patchRouteProto(proto: RouteProto): void {
  if (patched.has(proto)) return;
  patched.add(proto);
  const original = proto.dispatch;
  proto.dispatch = function dispatch(req, res, done) {
    if (!enabled) return original.call(this, req, res, done);
    const state = openServerRequest(req);
    // Not traced (suppressed, ignored route): nothing to record, no wrapper.
    if (state === undefined) return original.call(this, req, res, done);
    state.route = (req.baseUrl ?? '') + routeTemplate(this.path);
    return original.call(this, req, res, (err?: unknown) => {
      if (err && err !== 'route' && err !== 'router' && state.open) {
        const e = err instanceof Error ? err : new Error(String(err));
        state.span.recordException(e);
        state.span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      }
      return done(err);
    });
  };
}

/** Called with each server before its request is handled; inspects it only once. */
export function patchExpressFromListeners(server: EventEmitter): void {
  if (seenServers.has(server)) return;
  seenServers.add(server);
  for (const listener of server.listeners('request')) {
    const app = listener as { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } };
    const stack = app.router?.stack ?? app._router?.stack;
    const proto = findRouteProto(stack, 0);
    if (proto && typeof proto.dispatch === 'function') patchRouteProto(proto);
  }
}

export function setExpressEnabled(value: boolean): void {
  enabled = value;
}
