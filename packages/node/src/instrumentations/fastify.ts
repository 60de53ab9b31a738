// Fastify 5 through its own 'fastify.initialization' diagnostics channel: an onRoute hook wraps each handler to
// record the route template, and an onError hook reports errors on the server span. No module patching.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { SpanStatusCode } from '@opentelemetry/api';
import { openServerRequest } from './http-semconv.js';

type RawReq = object;
type Handler = (this: unknown, request: { raw: RawReq }, reply: unknown) => unknown;
interface RouteOptions {
  url?: string;
  path?: string;
  handler?: Handler;
}
interface FastifyLike {
  addHook(name: 'onRoute', fn: (route: RouteOptions) => void): unknown;
  addHook(name: 'onError', fn: (req: { raw: RawReq }, reply: unknown, err: Error, done: () => void) => void): unknown;
}

const kWrapped = Symbol('sightline.fastify.wrapped');

function onInitialization(message: unknown): void {
  const fastify = (message as { fastify?: FastifyLike }).fastify;
  if (!fastify || typeof fastify.addHook !== 'function') return;
  fastify.addHook('onRoute', (route) => {
    const handler = route.handler;
    if (typeof handler !== 'function' || (handler as unknown as Record<symbol, boolean>)[kWrapped]) return;
    const template = route.url ?? route.path ?? '';
    const wrapped: Handler = function (request, reply) {
      const state = openServerRequest(request.raw);
      if (state !== undefined) state.route = template;
      return handler.call(this, request, reply);
    };
    (wrapped as unknown as Record<symbol, boolean>)[kWrapped] = true;
    route.handler = wrapped;
  });
  fastify.addHook('onError', (request, _reply, err, done) => {
    const span = openServerRequest(request.raw)?.span;
    if (span) {
      span.recordException(err);
      span.setStatus({ code: SpanStatusCode.ERROR, message: err.message });
    }
    done();
  });
}

export function installFastify(): () => void {
  subscribe('fastify.initialization', onInitialization);
  return () => unsubscribe('fastify.initialization', onInitialization);
}
