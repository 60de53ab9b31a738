// Lean HTTP server instrumentation: one patch of Server#emit('request') makes the span active for the handler;
// the span ends on Node's 'http.server.response.finish' diagnostics channel (no per-request listeners).
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { IncomingMessage, ServerResponse } from 'node:http';
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import type { Attributes, Context, Span, SpanOptions, Tracer } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createQueryRedactor } from '../redaction.js';
import { isTracingSuppressed, RPCType, suppressTracing } from '../sdk-files.js';
import type { SharedAttributes } from '../tracing/span.js';
import { SightlineSpan, sharedAttributes } from '../tracing/span.js';
import { patchExpressFromListeners } from './express.js';
import type { ServerRequestState } from './http-semconv.js';
import { createRouteIgnorer, kServerRequest, normalizeMethod, openServerRequest } from './http-semconv.js';
import type { HttpServerDurationMetric } from './http-server-duration.js';
import { serverContext } from './server-context.js';

export interface HttpServerInstrumentationConfig {
  ignoreRoutes: readonly string[];
  redactQueryParams: readonly string[];
}

type Req = IncomingMessage & { [kServerRequest]?: ServerRequestState };
type Emit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;
type EmitRequest = (server: http.Server, req: Req, res: ServerResponse) => boolean;

/** Runs the request's emit in a context: the API's `context.with`, or the context store itself once init() sets it. */
export type ServerContextRunner = (
  ctx: Context,
  fn: EmitRequest,
  server: http.Server,
  req: Req,
  res: ServerResponse,
) => boolean;
let runInContext: ServerContextRunner = (ctx, fn, server, req, res) =>
  context.with(ctx, fn, undefined, server, req, res);

let activeContext: () => Context = () => context.active();

/**
 * init() hands over AsyncLocalStorage#run and a reader of the store of the context manager it installed: the same
 * store `context.with` / `context.active()` reach, without a bound function, two argument spreads and the API's
 * global lookups per request. `undefined` goes back to the API.
 */
export function setServerContextRunner(runner: ServerContextRunner | undefined, active?: () => Context): void {
  runInContext = runner ?? ((ctx, fn, server, req, res) => context.with(ctx, fn, undefined, server, req, res));
  activeContext = (runner && active) || (() => context.active());
}

const START_OPTIONS: SpanOptions = Object.freeze({ kind: SpanKind.SERVER });

function splitHost(host: string | undefined, defaultPort: number): [string | undefined, number] {
  if (!host) return [undefined, defaultPort];
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    const port = host.slice(end + 2);
    return [host.slice(1, end), port ? Number(port) : defaultPort];
  }
  const colon = host.lastIndexOf(':');
  return colon === -1 ? [host, defaultPort] : [host.slice(0, colon), Number(host.slice(colon + 1)) || defaultPort];
}

export function installHttpServer(
  tracer: Tracer,
  duration: HttpServerDurationMetric,
  cfg: HttpServerInstrumentationConfig,
): () => void {
  const ignored = createRouteIgnorer(cfg.ignoreRoutes);
  // Extraction costs more than a few header lookups: skip it when no header of the configured formats is there.
  const contextHeaders = propagation.fields().map((f) => f.toLowerCase());
  const carriesContext = (headers: IncomingMessage['headers']): boolean => {
    for (const name of contextHeaders) if (headers[name] !== undefined) return true;
    return false;
  };
  const redactQuery = createQueryRedactor(cfg.redactQueryParams);

  const makeEmit = (original: Emit, scheme: 'http' | 'https', defaultPort: number): Emit => {
    // Called by the context runner: one function per server class, no per-request bind or closure.
    const emitRequest = (server: http.Server, req: Req, res: ServerResponse): boolean =>
      original.call(server, 'request', req, res);
    return function emit(this: http.Server, event: string | symbol): boolean {
      // `arguments` instead of a rest parameter: no array allocated per emit on the request path.
      // biome-ignore lint/complexity/noArguments: forwarding every argument of an emit we do not handle
      if (event !== 'request') return original.apply(this, arguments as unknown as [string | symbol, ...unknown[]]);
      // biome-ignore lint/complexity/noArguments: see above
      const req = arguments[1] as Req;
      // biome-ignore lint/complexity/noArguments: see above
      const res = arguments[2] as ServerResponse;
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      const active = activeContext();
      if (isTracingSuppressed(active)) return emitRequest(this, req, res);
      // Not traced means nothing of it is: framework and database spans of a health probe stay out too.
      if (ignored(path)) return runInContext(suppressTracing(active), emitRequest, this, req, res);
      patchExpressFromListeners(this);
      const method = normalizeMethod(req.method);
      const headers = req.headers;
      const parent = carriesContext(headers) ? propagation.extract(ROOT_CONTEXT, headers) : ROOT_CONTEXT;
      // Attributes are set on the span directly (the built-in samplers do not read them): startSpan would sanitize
      // an attribute object twice and copy it once more.
      const span = tracer.startSpan(method, START_OPTIONS, parent);
      if (span instanceof SightlineSpan) span.adoptSharedAttributes(connectionAttributes(req, scheme, defaultPort));
      else if (span.isRecording()) span.setAttributes(connectionAttributes(req, scheme, defaultPort).attributes);
      span.setAttribute('http.request.method', method);
      span.setAttribute('url.path', path);
      if (method === '_OTHER') span.setAttribute('http.request.method_original', req.method as string);
      if (q !== -1) span.setAttribute('url.query', redactQuery(url.slice(q + 1)));
      // One object: the request's state for the 'finish' and 'close' handlers, and the context's RPC metadata.
      const state: ServerRequestState = {
        type: RPCType.HTTP,
        span,
        route: undefined,
        method,
        scheme,
        // A recording span measures its own duration (read at the end); only a sampled-out one needs a clock read.
        start: span.isRecording() ? -1 : performance.now(),
        open: true,
      };
      req[kServerRequest] = state;
      watchSocket(req.socket as WatchedSocket | null, state);
      return runInContext(serverContext(parent, span, state), emitRequest, this, req, res);
    };
  };

  // What every request of a connection repeats (scheme, protocol version, Host, User-Agent, client address) is
  // built once per connection and shared by its spans; a request that differs gets its own and becomes the
  // connection's new one.
  const kConnection = Symbol('sightline.http.connection');
  interface ConnectionAttributes extends SharedAttributes {
    readonly scheme: string;
    readonly version: string;
    readonly host: string | undefined;
    readonly userAgent: string | undefined;
  }
  type ConnectionSocket = NonNullable<Req['socket']> & { [kConnection]?: ConnectionAttributes };
  const connectionAttributes = (req: Req, scheme: 'http' | 'https', defaultPort: number): ConnectionAttributes => {
    const socket = req.socket as ConnectionSocket | null;
    const version = req.httpVersion;
    const host = req.headers.host;
    const userAgent = req.headers['user-agent'];
    const known = socket?.[kConnection];
    if (
      known !== undefined &&
      known.host === host &&
      known.userAgent === userAgent &&
      known.version === version &&
      known.scheme === scheme
    )
      return known;
    const [address, port] = splitHost(host, defaultPort);
    const attributes: Attributes = { 'url.scheme': scheme, 'network.protocol.version': version };
    if (address) attributes['server.address'] = address;
    attributes['server.port'] = port;
    if (userAgent) attributes['user_agent.original'] = userAgent;
    const clientAddress = socket?.remoteAddress;
    if (clientAddress) attributes['client.address'] = clientAddress;
    const made: ConnectionAttributes = { ...sharedAttributes(attributes), scheme, version, host, userAgent };
    if (socket) socket[kConnection] = made;
    return made;
  };

  // A client that disconnects before the response is finished must not leave the span open (and unexported):
  // one 'close' listener per socket (not per request) ends whatever request it still carries.
  const kPending = Symbol('sightline.http.pending');
  type WatchedSocket = NonNullable<Req['socket']> & { [kPending]?: ServerRequestState | null };
  const watchSocket = (socket: WatchedSocket | null, state: ServerRequestState): void => {
    if (!socket) return;
    if (socket[kPending] === undefined) {
      socket.once('close', () => {
        const pending = socket[kPending];
        socket[kPending] = null;
        if (!pending?.open) return;
        pending.open = false;
        const { span, route } = pending;
        if (route !== undefined) {
          span.setAttribute('http.route', route);
          span.updateName(spanName(pending.method, route));
        }
        span.setAttribute('error.type', 'aborted');
        span.end();
      });
    }
    socket[kPending] = state;
  };

  const onFinish = (message: unknown): void => {
    const { request, response } = message as { request: Req; response: ServerResponse };
    const state = request[kServerRequest];
    if (state === undefined || !state.open) return;
    state.open = false;
    const socket = request.socket as WatchedSocket | null;
    if (socket && socket[kPending] === state) socket[kPending] = null;
    const { span, route, method } = state;
    const status = response.statusCode;
    span.setAttribute('http.response.status_code', status);
    if (route !== undefined) {
      span.setAttribute('http.route', route);
      span.updateName(spanName(method, route));
    }
    if (status >= 500) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
    duration.record(elapsedSeconds(state), {
      method,
      status,
      scheme: state.scheme,
      protocolVersion: request.httpVersion,
      route,
    });
  };

  const httpProto = http.Server.prototype as unknown as { emit: Emit };
  const httpsProto = https.Server.prototype as unknown as { emit: Emit };
  const originalHttp = httpProto.emit;
  const originalHttps = httpsProto.emit;
  httpProto.emit = makeEmit(originalHttp, 'http', 80);
  httpsProto.emit = makeEmit(originalHttps, 'https', 443);
  subscribe('http.server.response.finish', onFinish);
  return () => {
    httpProto.emit = originalHttp;
    httpsProto.emit = originalHttps;
    unsubscribe('http.server.response.finish', onFinish);
  };
}

/** Span names by route and method: one flat string per route (a concatenation per request would be flattened again
 * when encoded). Routes are templates, a bounded set; the cache starts over if an app makes them from data. */
const spanNames = new Map<string, Map<string, string>>();
const MAX_SPAN_NAMES = 1000;
function spanName(method: string, route: string): string {
  let byMethod = spanNames.get(route);
  if (byMethod === undefined) {
    if (spanNames.size >= MAX_SPAN_NAMES) spanNames.clear();
    byMethod = new Map();
    spanNames.set(route, byMethod);
  }
  let name = byMethod.get(method);
  if (name === undefined) {
    name = `${method} ${route}`;
    byMethod.set(method, name);
  }
  return name;
}

/** The request's duration: the ended span's own (same clock, no second read), else from the start time. */
function elapsedSeconds(state: ServerRequestState): number {
  if (state.start >= 0) return (performance.now() - state.start) / 1000;
  const d = (state.span as Partial<ReadableSpan>).duration;
  return d !== undefined && d[0] >= 0 ? d[0] + d[1] / 1e9 : 0;
}

/** The open server span of a request, for framework instrumentations that record errors on it. */
export function serverSpanOf(req: unknown): Span | undefined {
  return openServerRequest(req)?.span;
}
