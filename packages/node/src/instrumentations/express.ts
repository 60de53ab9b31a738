// Express 4/5 route capture without module hooks: on a server's first request we find a route layer through the
// app's router stack and patch, once per Express copy, the method every route goes through: Route#dispatch in
// Express 5 (its layers call route.dispatch at request time), Layer#handle_request in Express 4 (its route layers
// hold a dispatch bound when the route was defined, so a later patch of Route#dispatch would never run). It records
// `http.route` (mount path + route template) and reports errors passed to next(err) on the server span.
import type { EventEmitter } from 'node:events';
import { SpanStatusCode } from '@opentelemetry/api';
import { openServerRequest } from './http-semconv.js';

type Next = (err?: unknown) => unknown;
type ExpressReq = { baseUrl?: string };
interface Route {
  path?: unknown;
}
interface Layer {
  route?: Route;
  handle?: { stack?: Layer[] };
}
interface RouteProto {
  dispatch: (this: Route, req: ExpressReq, res: unknown, done: Next) => unknown;
}
interface Express4LayerProto {
  handle_request: (this: Layer, req: ExpressReq, res: unknown, next: Next) => unknown;
}

const seenServers = new WeakSet<object>();
const patched = new WeakSet<object>();
let enabled = true;

function findRouteLayer(stack: Layer[] | undefined, depth: number): Layer | undefined {
  if (!Array.isArray(stack) || depth > 4) return undefined;
  for (const layer of stack) {
    if (layer.route) return layer;
  }
  for (const layer of stack) {
    const found = findRouteLayer(layer.handle?.stack, depth + 1);
    if (found) return found;
  }
  return undefined;
}

function routeTemplate(path: unknown): string {
  if (typeof path === 'string') return path;
  if (Array.isArray(path)) return path.map(routeTemplate).join(',');
  return String(path);
}

/**
 * Records the route of a request entering `route` on its server span; returns the `next` to hand on, which reports
 * an error passed to it. Untraced requests (suppressed, ignored route) get `next` itself: nothing to record.
 */
function enterRoute(route: Route, req: ExpressReq, next: Next): Next {
  if (!enabled) return next;
  const state = openServerRequest(req);
  if (state === undefined) return next;
  state.route = (req.baseUrl ?? '') + routeTemplate(route.path);
  return (err?: unknown) => {
    if (err && err !== 'route' && err !== 'router' && state.open) {
      const e = err instanceof Error ? err : new Error(String(err));
      state.span.recordException(e);
      state.span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
    }
    return next(err);
  };
}

function patchRouteProto(proto: RouteProto): void {
  const original = proto.dispatch;
  proto.dispatch = function dispatch(req, res, done) {
    return original.call(this, req, res, enterRoute(this, req, done));
  };
}

function patchExpress4LayerProto(proto: Express4LayerProto): void {
  const original = proto.handle_request;
  proto.handle_request = function handle(req, res, next) {
    const route = this.route;
    return original.call(this, req, res, route === undefined ? next : enterRoute(route, req, next));
  };
}

function patchFor(layer: Layer): void {
  const layerProto = Object.getPrototypeOf(layer) as Partial<Express4LayerProto> | null;
  if (layerProto && typeof layerProto.handle_request === 'function') {
    if (!patched.has(layerProto)) {
      patched.add(layerProto);
      patchExpress4LayerProto(layerProto as Express4LayerProto);
    }
    return;
  }
  const routeProto = Object.getPrototypeOf(layer.route) as Partial<RouteProto> | null;
  if (routeProto && typeof routeProto.dispatch === 'function' && !patched.has(routeProto)) {
    patched.add(routeProto);
    patchRouteProto(routeProto as RouteProto);
  }
}

/** Called with each server before its request is handled; inspects it only once. */
export function patchExpressFromListeners(server: EventEmitter): void {
  if (seenServers.has(server)) return;
  seenServers.add(server);
  for (const listener of server.listeners('request')) {
    const layer = findRouteLayer(routerStack(listener), 0);
    if (layer) patchFor(layer);
  }
}

/** The router stack of an Express app: `_router` in Express 4 (whose `app.router` getter throws), `router` in 5. */
function routerStack(listener: unknown): Layer[] | undefined {
  const app = listener as { router?: { stack?: Layer[] }; _router?: { stack?: Layer[] } };
  try {
    return (app._router ?? app.router)?.stack;
  } catch {
    return undefined;
  }
}

export function setExpressEnabled(value: boolean): void {
  enabled = value;
}
