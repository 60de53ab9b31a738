import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bearerChecker } from './auth.js';
import { SightlineError } from './errors.js';
import type { IngestQueue } from './ingest-queue.js';
import { searchExemplars } from './query-exemplars.js';
import { exportLogs, type LogFilters, liveLogApiRow, logMatcher, searchLogs } from './query-logs.js';
import { listMetrics, metricLabels, metricSeries } from './query-metrics.js';
import { parseAttrs, parseLimit, parseNumber, parseRange, parseSeverity, parseStepMs } from './query-params.js';
import { listOperations, listServices, serviceSeries } from './query-services.js';
import { exportSpans, getTrace, searchTraces } from './query-traces.js';
import type { LogRow } from './rows.js';
import { serveUi } from './static-ui.js';
import type { Store } from './store.js';

export const VERSION = '0.1.0';

export interface ApiContext {
  store: Store;
  queue: IngestQueue;
  token?: string;
  uiDir?: string;
  /** The OTLP endpoints, reported by /api/health once the receivers are bound. */
  otlp?: { grpc: string; http: string };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

const opt = (p: URLSearchParams, k: string) => {
  const v = p.get(k);
  return v === null || v === '' ? undefined : v;
};

function logFilters(p: URLSearchParams): LogFilters {
  return {
    service: opt(p, 'service'),
    minSeverity: parseSeverity(p.get('severity')),
    q: opt(p, 'q'),
    traceId: opt(p, 'traceId') ?? opt(p, 'trace_id'),
    spanId: opt(p, 'spanId') ?? opt(p, 'span_id'),
    attrs: parseAttrs(p),
  };
}

type Handler = (
  p: URLSearchParams,
  m: RegExpExecArray,
  ctx: ApiContext,
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<unknown>;

const ROUTES: [RegExp, Handler][] = [
  [
    /^\/api\/health$/,
    async (_p, _m, ctx) => ({
      status: 'ok',
      version: VERSION,
      storage: await ctx.store.counts(),
      ...(ctx.otlp ? { otlp: ctx.otlp } : {}),
    }),
  ],
  [/^\/api\/services$/, async (p, _m, ctx) => ({ services: await listServices(ctx.store, parseRange(p)) })],
  [
    /^\/api\/services\/([^/]+)\/operations$/,
    async (p, m, ctx) => ({ operations: await listOperations(ctx.store, decodeURIComponent(m[1]!), parseRange(p)) }),
  ],
  [
    /^\/api\/services\/([^/]+)\/series$/,
    async (p, m, ctx) => {
      const range = parseRange(p);
      const step = parseStepMs(p.get('step'), range);
      return { step, points: await serviceSeries(ctx.store, decodeURIComponent(m[1]!), range, step) };
    },
  ],
  [
    /^\/api\/series$/,
    async (p, _m, ctx) => {
      const range = parseRange(p);
      const step = parseStepMs(p.get('step'), range);
      return { step, points: await serviceSeries(ctx.store, opt(p, 'service'), range, step) };
    },
  ],
  [
    /^\/api\/traces$/,
    async (p, _m, ctx) => {
      const status = opt(p, 'status');
      if (status && !['ok', 'error', 'unset'].includes(status)) {
        throw new SightlineError('SIGHTLINE_ERR_BAD_PARAM', `status="${status}" is not ok, error or unset`);
      }
      const traces = await searchTraces(ctx.store, {
        range: parseRange(p),
        service: opt(p, 'service'),
        name: opt(p, 'name'),
        status: status as 'ok' | 'error' | 'unset' | undefined,
        minDurationMs: parseNumber(p, 'minDurationMs'),
        maxDurationMs: parseNumber(p, 'maxDurationMs'),
        attrs: parseAttrs(p),
        limit: parseLimit(p, 20, 1000),
      });
      return { traces };
    },
  ],
  [
    /^\/api\/traces\/([^/]+)$/,
    async (_p, m, ctx) => {
      const id = decodeURIComponent(m[1]!);
      const trace = await getTrace(ctx.store, id);
      if (!trace)
        throw new SightlineError(
          'SIGHTLINE_ERR_TRACE_NOT_FOUND',
          `no trace with id ${id} is stored (it may be outside retention)`,
          404,
        );
      return trace;
    },
  ],
  [
    // Tempo's v2 trace-by-id shape, so Grafana's Tempo data source can read traces from `sightline up` directly.
    /^\/api\/v2\/traces\/([^/]+)$/,
    async (_p, m, ctx) => {
      const id = decodeURIComponent(m[1]!);
      const trace = await getTrace(ctx.store, id);
      if (!trace) {
        throw new SightlineError(
          'SIGHTLINE_ERR_TRACE_NOT_FOUND',
          `no trace with id ${id} is stored (it may be outside retention)`,
          404,
        );
      }
      return { trace, status: 'complete' };
    },
  ],
  [/^\/api\/echo$/, async () => 'echo'],
  [
    /^\/api\/logs$/,
    async (p, _m, ctx) =>
      searchLogs(ctx.store, {
        ...logFilters(p),
        range: parseRange(p),
        limit: parseLimit(p, 100, 10_000),
        cursor: p.get('cursor'),
      }),
  ],
  [
    /^\/api\/logs\/export$/,
    async (p, _m, ctx) =>
      exportLogs(ctx.store, {
        range: parseRange(p),
        service: opt(p, 'service'),
        limit: parseLimit(p, 10_000, 100_000),
        cursor: p.get('cursor'),
      }),
  ],
  [
    /^\/api\/spans$/,
    async (p, _m, ctx) =>
      exportSpans(ctx.store, {
        range: parseRange(p),
        service: opt(p, 'service'),
        limit: parseLimit(p, 10_000, 100_000),
        cursor: p.get('cursor'),
      }),
  ],
  [
    /^\/api\/metrics$/,
    async (p, _m, ctx) => ({ metrics: await listMetrics(ctx.store, parseRange(p), opt(p, 'service')) }),
  ],
  [
    /^\/api\/metrics\/labels$/,
    async (p, _m, ctx) => ({ labels: await metricLabels(ctx.store, requireParam(p, 'name'), parseRange(p)) }),
  ],
  [
    /^\/api\/metrics\/series$/,
    async (p, _m, ctx) => {
      const range = parseRange(p);
      return metricSeries(ctx.store, {
        name: requireParam(p, 'name'),
        range,
        stepMs: parseStepMs(p.get('step'), range),
        groupBy: (opt(p, 'groupBy') ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        agg: opt(p, 'agg'),
        attrs: parseAttrs(p),
      });
    },
  ],
  [
    /^\/api\/metrics\/exemplars$/,
    async (p, _m, ctx) => {
      const sort = opt(p, 'sort') ?? 'time';
      if (sort !== 'time' && sort !== 'value') {
        throw new SightlineError('SIGHTLINE_ERR_BAD_PARAM', `sort="${sort}" is not time or value`);
      }
      const exemplars = await searchExemplars(ctx.store, {
        name: requireParam(p, 'name'),
        range: parseRange(p),
        service: opt(p, 'service'),
        attrs: parseAttrs(p),
        minValue: finiteParam(p, 'minValue'),
        maxValue: finiteParam(p, 'maxValue'),
        sort,
        limit: parseLimit(p, 100, 10_000),
      });
      return { exemplars };
    },
  ],
];

/** An optional number parameter that may be negative (exemplar values of gauges and sums can be). */
function finiteParam(p: URLSearchParams, name: string): number | undefined {
  const raw = opt(p, name);
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new SightlineError('SIGHTLINE_ERR_BAD_PARAM', `${name}="${raw}" is not a number`);
  return n;
}

function requireParam(p: URLSearchParams, name: string): string {
  const v = opt(p, name);
  if (!v) throw new SightlineError('SIGHTLINE_ERR_BAD_PARAM', `query parameter ${name} is required`);
  return v;
}

/** SSE live tail of newly committed logs matching the filters. */
function tail(p: URLSearchParams, ctx: ApiContext, req: IncomingMessage, res: ServerResponse): void {
  const match = logMatcher(logFilters(p));
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.write(': connected\n\n');
  const onLogs = (rows: LogRow[], firstSeq: number) => {
    let out = '';
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const attrs = JSON.parse(row.attributes);
      const resource = JSON.parse(row.resource);
      if (match(row, attrs, resource))
        out += `data: ${JSON.stringify(liveLogApiRow(row, firstSeq + i, attrs, resource))}\n\n`;
    }
    if (out) res.write(out);
  };
  ctx.queue.on('logs', onLogs);
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    ctx.queue.off('logs', onLogs);
  };
  req.on('close', stop);
  res.on('close', stop);
}

export function createApiServer(ctx: ApiContext): Server {
  const authorized = bearerChecker(ctx.token);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const isApi = path === '/api' || path.startsWith('/api/');
    try {
      // The UI's static files hold no data, so a browser can load them; every API call needs the token.
      if (isApi && !authorized(req.headers.authorization)) {
        res.setHeader('www-authenticate', 'Bearer');
        throw new SightlineError(
          'SIGHTLINE_ERR_UNAUTHORIZED',
          'missing or wrong Authorization: Bearer token (--token)',
          401,
        );
      }
      if (!isApi) {
        if (path.startsWith('/v1/'))
          throw new SightlineError(
            'SIGHTLINE_ERR_NOT_FOUND',
            `OTLP is served on the OTLP/HTTP port, not on --port (${path})`,
            404,
          );
        if (req.method !== 'GET' && req.method !== 'HEAD')
          throw new SightlineError('SIGHTLINE_ERR_METHOD_NOT_ALLOWED', `${req.method} is not supported here`, 405);
        return serveUi(ctx.uiDir, path, res);
      }
      if (req.method !== 'GET')
        throw new SightlineError(
          'SIGHTLINE_ERR_METHOD_NOT_ALLOWED',
          `${req.method} ${path}: the query API is read-only (GET)`,
          405,
        );
      if (path === '/api/logs/tail') return tail(url.searchParams, ctx, req, res);
      for (const [re, handler] of ROUTES) {
        const m = re.exec(path);
        if (m) return sendJson(res, 200, await handler(url.searchParams, m, ctx, req, res));
      }
      throw new SightlineError('SIGHTLINE_ERR_NOT_FOUND', `no API endpoint at ${path}; see docs/query-api.md`, 404);
    } catch (e) {
      const err =
        e instanceof SightlineError
          ? e
          : e instanceof URIError
            ? new SightlineError(
                'SIGHTLINE_ERR_BAD_PARAM',
                `the path ${JSON.stringify(path)} is not valid percent-encoding`,
              )
            : new SightlineError('SIGHTLINE_ERR_INTERNAL', (e as Error).message, 500);
      if (res.headersSent) return void res.destroy();
      sendJson(res, err.status, { error: { code: err.code, message: err.message } });
    }
  };
  return createServer((req, res) => void handle(req, res));
}
