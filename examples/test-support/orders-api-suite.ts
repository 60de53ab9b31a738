import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys, dropTable } from './cleanup.js';
import { unreachable } from './reachability.js';
import { ServiceProcess } from './service-process.js';
import { buildForTest, eventually, type LogRow, SightlineBackend, type SpanRow } from './sightline-backend.js';
import { sightlineCheck } from './sightline-check.js';
import {
  HEX16,
  HEX32,
  isPostgres,
  isRedis,
  messageOf,
  methodOf,
  must,
  routeOf,
  SpanTree,
  statusOf,
} from './span-tree.js';

/** One orders-API example (express-otel, fastify-otel, nestjs-otel): the same service on another framework. */
export interface OrdersApiExample {
  /** The example's folder name, e.g. `express-otel`: names the suite and its skip message. */
  name: string;
  /** The framework as the suite title spells it, e.g. `Express 5`. */
  framework: string;
  /** Lower-case framework id: the service is `orders-api-<id>`, its table `orders_<id>_<run>`. */
  id: string;
  /** The example's root folder (its dist/server.js is started). */
  exampleDir: string;
  /** OTLP protocol the service exports with (gRPC unless the example shows the other one). */
  protocol?: 'grpc' | 'http/protobuf';
  /**
   * How the process ends on SIGTERM. `exit 0` gets the shared test; `own` leaves it to the example's file (Nest
   * re-raises the signal instead of exiting).
   */
  shutdown: 'exit 0' | 'own';
  /** Tests only this example has, registered inside the suite after the shared ones; read `run` inside tests only. */
  moreTests?: (run: OrdersApiRun) => void;
}

/** What the suite's beforeAll produced, for an example's own tests. */
export interface OrdersApiRun {
  readonly backend: SightlineBackend;
  readonly app: ServiceProcess;
  readonly exitCode: number | null;
  readonly spans: SpanRow[];
  readonly logs: LogRow[];
  /** Server spans of requests with this method, route and response status. */
  serverSpan(method: string, route: string, status: number): SpanRow[];
}

// Every message the service logs while handling a request: each such record must carry its request's trace.
const REQUEST_MESSAGES = ['order created', 'order not found', 'rejected invalid request', 'request failed'];

/**
 * The orders API started with the register hook, exporting to `sightline up` (in-process, ephemeral ports), against
 * the real PostgreSQL and Redis. Traffic (successes, a cache hit, a 404, a 400 and a 500) runs once in beforeAll; the
 * process is then stopped with SIGTERM, which flushes its telemetry; each test reads the stored result. Skipped with a
 * printed reason when PostgreSQL or Redis is not reachable.
 */
export async function describeOrdersApi(example: OrdersApiExample): Promise<void> {
  const { exampleDir } = example;
  const skipReason = await unreachable({ PostgreSQL: 5432, Redis: 6379 });
  if (skipReason) console.warn(`${example.name}: ${skipReason}`);

  const SERVICE = `orders-api-${example.id}`;
  const runId = randomBytes(4).toString('hex');
  const table = `orders_${example.id}_${runId}`;

  describe.skipIf(skipReason)(`${example.name}: orders API on ${example.framework} + PostgreSQL + Redis`, () => {
    let backend: SightlineBackend;
    let app: ServiceProcess;
    let exitCode: number | null;
    let stopSentAtMs = Number.POSITIVE_INFINITY;
    let spans: SpanRow[];
    let logs: LogRow[];
    const created: { id: number; total: number }[] = [];
    let failure: { status: number; traceId: string };

    beforeAll(async () => {
      buildForTest(exampleDir);
      backend = await SightlineBackend.start();
      app = ServiceProcess.start(exampleDir, 'dist/server.js', {
        ...backend.otelEnv(SERVICE, example.protocol),
        PORT: '0',
        ORDERS_TABLE: table,
        CACHE_PREFIX: `orders:${runId}:`,
        SHUTDOWN_TIMEOUT_MS: '8000',
      });
      const { address: url } = (await app.waitForLog('orders api listening')) as { address: string };
      const call = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(url + path, {
          method,
          headers: body === undefined ? {} : { 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      };

      expect((await call('GET', '/health/live')).status).toBe(200);
      expect((await call('GET', '/health/ready')).status).toBe(200);
      for (const quantity of [1, 2, 3]) {
        const res = await call('POST', '/orders', {
          customer: 'ada',
          items: [{ sku: 'BOOK-1', quantity, unitPrice: 12.5 }],
        });
        expect(res.status).toBe(201);
        created.push({ id: res.body.id as number, total: res.body.total as number });
      }
      // Creating an order writes it through to the cache; evict one, as its TTL would, to see the miss path.
      const first = must(created[0], 'a created order');
      const redis = new Redis('redis://127.0.0.1:6379');
      await redis.del(`orders:${runId}:${first.id}`);
      await redis.quit();
      expect((await call('GET', `/orders/${first.id}`)).body.total).toBe(first.total);
      expect((await call('GET', `/orders/${first.id}`)).status).toBe(200);
      expect((await call('GET', '/orders/987654321')).status).toBe(404);
      expect((await call('POST', '/orders', { customer: 'ada', items: [] })).status).toBe(400);
      expect((await call('GET', '/orders?limit=5')).body.orders).toHaveLength(3);
      // quantity beyond PostgreSQL's INTEGER: passes validation, fails in the database → 500 with the trace id.
      const res = await call('POST', '/orders', {
        customer: 'bob',
        items: [{ sku: 'BOOK-2', quantity: 3_000_000_000, unitPrice: 1 }],
      });
      failure = { status: res.status, traceId: (res.body.error as { traceId: string }).traceId };

      // Traffic is over: what the process logs from here on (its shutdown) is outside every request.
      stopSentAtMs = Date.now();
      exitCode = await app.stop();
      spans = await eventually(async () => {
        const rows = await backend.spans(SERVICE);
        return rows.filter((s) => s.kind === 'server').length >= 9 ? rows : undefined;
      }, 'the server spans of 9 requests');
      logs = await backend.logs(SERVICE);
    });

    afterAll(async () => {
      await app?.stop();
      await backend?.close();
      await dropTable(table);
      await deleteRedisKeys(`orders:${runId}:`);
    });

    const serverSpan = (method: string, route: string, status: number) =>
      spans.filter(
        (s) => s.kind === 'server' && methodOf(s) === method && routeOf(s) === route && Number(statusOf(s)) === status,
      );

    it('traces a created order as HTTP server span → orders.create → PostgreSQL INSERT and Redis SET', () => {
      const posts = serverSpan('POST', '/orders', 201);
      expect(posts).toHaveLength(3);
      for (const post of posts) {
        const tree = SpanTree.of(spans, post.traceId);
        expect(tree.root?.spanId).toBe(post.spanId);
        expect(tree.orphans()).toEqual([]);
        const business = must(tree.descendants(post, (s) => s.name === 'orders.create')[0], 'the orders.create span');
        expect(business?.attributes).toMatchObject({ 'order.item_count': 1 });
        expect(created.map((o) => o.id)).toContain(Number(business?.attributes['order.id']));
        expect(tree.descendants(business, isPostgres).length).toBeGreaterThanOrEqual(1);
        expect(tree.descendants(business, isRedis).length).toBe(1);
      }
    });

    it('reads an order from PostgreSQL on a cache miss and from Redis alone on the next request', () => {
      const gets = serverSpan('GET', '/orders/:id', 200).sort((a, b) => a.startMs - b.startMs);
      expect(gets).toHaveLength(2);
      const [miss, hit] = gets.map((g) => SpanTree.of(spans, g.traceId));
      expect(miss?.spans.filter(isPostgres).length).toBeGreaterThanOrEqual(1);
      expect(miss?.spans.filter(isRedis).length).toBe(2);
      expect(hit?.spans.filter(isPostgres)).toEqual([]);
      expect(hit?.spans.filter(isRedis).length).toBe(1);
    });

    it('turns a failing request into an error span with an exception event, in the trace id returned to the client', () => {
      expect(failure.status).toBe(500);
      expect(failure.traceId).toMatch(HEX32);
      const tree = SpanTree.of(spans, failure.traceId);
      const root = must(tree.root, 'a root span');
      expect(root.kind).toBe('server');
      expect(root.statusCode).toBe('error');
      const withException = tree.spans.filter((s) => s.events.some((e) => e.name === 'exception'));
      expect(withException.length).toBeGreaterThanOrEqual(1);
      expect(withException.some((s) => s.statusCode === 'error')).toBe(true);
      const pgError = tree.spans.find((s) => isPostgres(s) && s.statusCode === 'error');
      expect(pgError, 'the failed INSERT as an error span').toBeDefined();
    });

    it("finds the failing request's trace from its error log line", () => {
      const errorLogs = logs.filter((l) => messageOf(l) === 'request failed');
      expect(errorLogs).toHaveLength(1);
      expect(errorLogs[0]?.severityNumber).toBeGreaterThanOrEqual(17);
      expect(errorLogs[0]?.traceId).toBe(failure.traceId);
      const stdoutError = app.records().find((r) => r.msg === 'request failed');
      expect(stdoutError?.trace_id).toBe(failure.traceId);
    });

    it('writes every log record of a request with that request’s trace_id and span_id, in OTLP and on stdout', () => {
      const spanIds = new Set(spans.map((s) => `${s.traceId}/${s.spanId}`));
      const inRequest = logs.filter((l) => REQUEST_MESSAGES.includes(messageOf(l)));
      // 3 created, 1 not found, 1 invalid, 1 failed
      expect(inRequest).toHaveLength(6);
      for (const log of inRequest) {
        expect(log.traceId, messageOf(log)).toMatch(HEX32);
        expect(log.spanId, messageOf(log)).toMatch(HEX16);
        expect(spanIds.has(`${log.traceId}/${log.spanId}`), `${messageOf(log)} points at a stored span`).toBe(true);
      }
      const created = inRequest.filter((l) => messageOf(l) === 'order created');
      const postTraces = new Set(serverSpan('POST', '/orders', 201).map((s) => s.traceId));
      expect(new Set(created.map((l) => l.traceId))).toEqual(postTraces);

      const stdoutInRequest = app.records().filter((r) => REQUEST_MESSAGES.includes(String(r.msg)));
      expect(stdoutInRequest).toHaveLength(6);
      for (const record of stdoutInRequest) {
        expect(spanIds.has(`${record.trace_id}/${record.span_id}`), String(record.msg)).toBe(true);
        expect(record.trace_flags).toBe('01');
      }
    });

    it('leaves no log record written while a request was being served without that request’s trace_id', () => {
      // Requests are sequential, so a record timed inside a server span belongs to that request, whatever it says.
      // Span times come from the SDK's monotonic clock and log times from Date.now(): allow a few ms between them.
      const SKEW_MS = 5;
      const distance = (t: number, s: SpanRow) => Math.max(0, s.startMs - t, t - (s.startMs + s.durationMs));
      const servers = spans.filter((s) => s.kind === 'server');
      const during = logs
        .filter((log) => log.timeMs < stopSentAtMs)
        .flatMap((log) => {
          const [server] = servers
            .filter((s) => distance(log.timeMs, s) <= SKEW_MS)
            .sort((a, b) => distance(log.timeMs, a) - distance(log.timeMs, b));
          return server ? [{ log, server }] : [];
        });
      expect(during.length).toBeGreaterThanOrEqual(6);
      for (const { log, server } of during) expect(log.traceId, messageOf(log)).toBe(server.traceId);
    });

    it('creates no HTTP server span for health probes', () => {
      expect(
        spans.filter((s) =>
          String(s.attributes['url.path'] ?? s.attributes['http.target'] ?? '').startsWith('/health'),
        ),
      ).toEqual([]);
    });

    it('exports orders.created ({order}) and orders.value (USD) next to the HTTP server duration metric', async () => {
      const metrics = await backend.metrics(SERVICE);
      const byName = new Map(metrics.map((m) => [m.name, m]));
      expect(byName.get('orders.created')).toMatchObject({ type: 'sum', unit: '{order}', monotonic: true });
      expect(byName.get('orders.value')).toMatchObject({ type: 'histogram', unit: 'USD' });
      expect(byName.get('http.server.request.duration')).toMatchObject({ type: 'histogram', unit: 's' });
      const { series } = await backend.get<{ series: { points: [number, number][] }[] }>('/api/metrics/series', {
        name: 'orders.created',
        agg: 'last',
      });
      const lastPoints = series.flatMap((s) => s.points.map(([, value]) => value));
      expect(Math.max(...lastPoints)).toBe(3);
    });

    if (example.shutdown === 'exit 0') {
      it('shuts down gracefully on SIGTERM: exit code 0 after closing the pool and the cache', () => {
        expect(exitCode).toBe(0);
        expect(app.records().some((r) => r.msg === 'shut down cleanly')).toBe(true);
      });
    }

    it('passes `sightline check`: every request log correlated, no broken traces', async () => {
      const run = await sightlineCheck(backend.apiUrl);
      expect(run.exitCode, `${run.stdout}\n${run.stderr}`).toBe(0);
    });

    example.moreTests?.({
      get backend() {
        return backend;
      },
      get app() {
        return app;
      },
      get exitCode() {
        return exitCode;
      },
      get spans() {
        return spans;
      },
      get logs() {
        return logs;
      },
      serverSpan,
    });
  });
}
