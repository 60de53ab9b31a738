import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteRedisKeys, dropTable } from '../../test-support/cleanup.js';
import { unreachable } from '../../test-support/reachability.js';
import { ServiceProcess } from '../../test-support/service-process.js';
import {
  buildForTest,
  eventually,
  type LogRow,
  SightlineBackend,
  type SpanRow,
} from '../../test-support/sightline-backend.js';
import { sightlineCheck } from '../../test-support/sightline-check.js';
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
} from '../../test-support/span-tree.js';
import { type DeadLetter, type DeadLetterInbox, natsInbox, rabbitInbox } from './support/dead-letter-inbox.js';

// The jobs `api` and the invoice `worker`, both started with the register hook and exporting to one `sightline up`,
// over RabbitMQ (amqplib, auto-instrumented) and over NATS (instrumented with injectContext/extractContext).
// Traffic: two good jobs and one poison job; then both processes are stopped with SIGTERM (flushing their telemetry)
// and each test reads the stored result.
const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = 'nats://127.0.0.1:4222';
const common = await unreachable({ PostgreSQL: 5432, Redis: 6379 });
const skipRabbit = common || (await unreachable({ RabbitMQ: 5672 }));
const skipNats = common || (await unreachable({ NATS: 4222 }));
if (skipRabbit) console.warn(`queue-worker (RabbitMQ): ${skipRabbit}`);
if (skipNats) console.warn(`queue-worker (NATS): ${skipNats}`);

const API_MESSAGES = ['job queued'];
const WORKER_MESSAGES = ['invoice rendered', 'job failed, moved to the dead-letter queue'];

function scenario(transport: 'rabbitmq' | 'nats', protocol: 'grpc' | 'http/protobuf', skipReason: string): void {
  describe.skipIf(skipReason)(`queue-worker over ${transport}, exporting OTLP ${protocol}`, () => {
    const runId = randomBytes(4).toString('hex');
    const queue = `jobs-${transport}-${runId}`;
    const table = `jobs_${transport}_${runId}`;
    const API = `jobs-api-${transport}`;
    const WORKER = `invoice-worker-${transport}`;
    let backend: SightlineBackend;
    let api: ServiceProcess;
    let worker: ServiceProcess;
    let inbox: DeadLetterInbox;
    let spans: SpanRow[];
    let logs: LogRow[];
    let deadLetters: DeadLetter[];
    const good: { jobId: string; traceId: string }[] = [];
    let poison: { jobId: string; traceId: string };
    const exitCodes: (number | null)[] = [];

    beforeAll(async () => {
      buildForTest(exampleDir);
      backend = await SightlineBackend.start();
      const env = {
        QUEUE_TRANSPORT: transport,
        JOBS_QUEUE: queue,
        JOBS_TABLE: table,
        CACHE_PREFIX: `jobs:${runId}:`,
        SHUTDOWN_TIMEOUT_MS: '8000',
      };
      worker = ServiceProcess.start(exampleDir, 'dist/worker.js', { ...backend.otelEnv(WORKER, protocol), ...env });
      await worker.waitForLog('worker consuming');
      inbox = transport === 'nats' ? await natsInbox(NATS_URL, queue) : await rabbitInbox(AMQP_URL, queue);
      api = ServiceProcess.start(exampleDir, 'dist/api.js', { ...backend.otelEnv(API, protocol), ...env, PORT: '0' });
      const { address: url } = (await api.waitForLog('jobs api listening')) as { address: string };
      const post = async (body: unknown) => {
        const res = await fetch(`${url}/jobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        expect(res.status).toBe(202);
        return (await res.json()) as { jobId: string; traceId: string };
      };
      // Each job is followed to its end (read from the jobs table, not through the api) before the next is posted.
      const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
      await db.connect();
      const settled = (jobId: string, status: string) =>
        eventually(async () => {
          const { rows } = await db.query<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [jobId]);
          return rows[0]?.status === status ? true : undefined;
        }, `job ${jobId} ${status}`);
      for (const orderId of [1, 2]) {
        const job = await post({ kind: 'invoice.render', payload: { orderId, customer: 'ada', amount: 25 } });
        await settled(job.jobId, 'done');
        good.push(job);
      }
      poison = await post({ kind: 'invoice.render', payload: { orderId: 'not-a-number', customer: 'eve', amount: 1 } });
      await settled(poison.jobId, 'dead');
      await db.end();
      deadLetters = await inbox.take(1);
      const res = await fetch(`${url}/jobs/${poison.jobId}`);
      expect(await res.json()).toMatchObject({
        id: poison.jobId,
        status: 'dead',
        error: expect.stringContaining('orderId'),
      });

      exitCodes.push(await api.stop(), await worker.stop());
      spans = await eventually(async () => {
        const rows = await backend.spans();
        return rows.filter((s) => s.service === WORKER && s.kind === 'consumer').length >= 3 ? rows : undefined;
      }, 'three consumer spans from the worker');
      logs = await backend.logs();
    });

    afterAll(async () => {
      await api?.stop();
      await worker?.stop();
      await inbox?.close();
      await backend?.close();
      await dropTable(table);
      await deleteRedisKeys(`jobs:${runId}:`);
    });

    it('follows one job through one trace: HTTP server → INSERT → publish → process in the worker → UPDATE + SET', () => {
      for (const job of good) {
        const tree = SpanTree.of(spans, job.traceId);
        expect(tree.orphans(), 'no propagation gap').toEqual([]);
        const server = must(tree.root, 'a root span');
        expect(server).toMatchObject({ service: API, kind: 'server' });
        expect([methodOf(server), routeOf(server)]).toEqual(['POST', '/jobs']);
        const insert = tree.descendants(server, isPostgres);
        expect(insert.length).toBeGreaterThanOrEqual(1);
        const producer = must(
          tree.descendants(server, (s) => s.kind === 'producer')[0],
          'a PRODUCER span under the request',
        );
        expect(producer?.service).toBe(API);
        const consumer = must(
          tree.descendants(producer, (s) => s.kind === 'consumer')[0],
          'a CONSUMER span in the worker, continuing the producer',
        );
        expect(consumer?.service).toBe(WORKER);
        expect(consumer?.statusCode).not.toBe('error');
        const render = must(
          tree.descendants(consumer, (s) => s.name === 'invoice.render')[0],
          'the invoice.render span',
        );
        expect(render?.attributes).toMatchObject({ 'job.id': job.jobId, 'job.kind': 'invoice.render' });
        expect(tree.descendants(render, isPostgres).length).toBeGreaterThanOrEqual(1);
        expect(tree.descendants(render, isRedis)).toHaveLength(1);
      }
    });

    it('labels the producer and consumer spans with the messaging semantic conventions', () => {
      const trace = SpanTree.of(spans, must(good[0], 'a good job').traceId);
      const producer = must(
        trace.spans.find((s) => s.kind === 'producer'),
        'a producer span',
      );
      const consumer = must(
        trace.spans.find((s) => s.kind === 'consumer'),
        'a consumer span',
      );
      expect(producer.attributes['messaging.system']).toBe(transport);
      expect(consumer.attributes).toMatchObject({
        'messaging.system': transport,
        'messaging.destination.name': queue,
        'messaging.operation.type': 'process',
        'messaging.message.id': good[0]?.jobId,
      });
    });

    it('dead-letters a poison message: error span with an exception event, and the message keeps its trace context', () => {
      const tree = SpanTree.of(spans, poison.traceId);
      const consumer = tree.spans.find((s) => s.kind === 'consumer');
      expect(consumer?.service).toBe(WORKER);
      expect(consumer?.statusCode).toBe('error');
      const exception = consumer?.events.find((e) => e.name === 'exception');
      expect(exception?.attributes['exception.type']).toBe('PoisonMessageError');
      expect(String(exception?.attributes['exception.message'])).toContain('orderId');
      expect(tree.spans.some((s) => s.name === 'invoice.render' && s.statusCode === 'error')).toBe(true);
      expect(deadLetters).toHaveLength(1);
      expect(deadLetters[0]?.body.id).toBe(poison.jobId);
      expect(deadLetters[0]?.headers.traceparent).toContain(poison.traceId);
    });

    it('writes the dead-letter error log with the trace id the api returned for that job', () => {
      const failures = logs.filter(
        (l) => l.service === WORKER && messageOf(l) === 'job failed, moved to the dead-letter queue',
      );
      expect(failures).toHaveLength(1);
      expect(failures[0]?.severityNumber).toBeGreaterThanOrEqual(17);
      expect(failures[0]?.traceId).toBe(poison.traceId);
      expect(worker.records().find((r) => r.msg === 'job failed, moved to the dead-letter queue')?.trace_id).toBe(
        poison.traceId,
      );
    });

    it('writes every log record of a request or a job with that trace’s ids, in both processes', () => {
      const spanIds = new Set(spans.map((s) => `${s.traceId}/${s.spanId}`));
      const inContext = logs.filter(
        (l) =>
          (l.service === API && API_MESSAGES.includes(messageOf(l))) ||
          (l.service === WORKER && WORKER_MESSAGES.includes(messageOf(l))),
      );
      expect(inContext).toHaveLength(3 + 2 + 1);
      for (const log of inContext) {
        expect(log.traceId).toMatch(HEX32);
        expect(log.spanId).toMatch(HEX16);
        expect(spanIds.has(`${log.traceId}/${log.spanId}`), `${log.service}: ${messageOf(log)}`).toBe(true);
      }
      const traceIds = new Set([...good, poison].map((j) => j.traceId));
      expect(new Set(inContext.map((l) => l.traceId))).toEqual(traceIds);
    });

    it('counts jobs by outcome in jobs.processed ({job}) and times them in jobs.duration (s)', async () => {
      const metrics = await backend.metrics(WORKER);
      const byName = new Map(metrics.map((m) => [m.name, m]));
      expect(byName.get('jobs.processed')).toMatchObject({ type: 'sum', unit: '{job}', monotonic: true });
      expect(byName.get('jobs.duration')).toMatchObject({ type: 'histogram', unit: 's' });
      const { series } = await backend.get<{
        series: { labels: Record<string, string>; points: [number, number][] }[];
      }>('/api/metrics/series', { name: 'jobs.processed', agg: 'last', groupBy: 'job.outcome' });
      const last = Object.fromEntries(
        series.map((s) => [s.labels['job.outcome'], Math.max(...s.points.map(([, value]) => value))]),
      );
      expect(last).toEqual({ done: 2, dead: 1 });
    });

    it('stops both processes cleanly on SIGTERM', () => {
      expect(exitCodes).toEqual([0, 0]);
    });

    it('passes `sightline check`: correlated logs, no broken traces across the two services', async () => {
      // NATS has no auto-instrumentation: its producer and consumer spans are the example's own, as is invoice.render,
      // so a third of each job's spans are manual; the RabbitMQ variant meets the default 80 % auto share.
      const run = await sightlineCheck(backend.apiUrl, transport === 'nats' ? ['--min-auto-share', '70'] : []);
      expect(run.report, run.stdout + run.stderr).toBeDefined();
      const gates = run.report?.gates as { id: string; status: string }[];
      const failing = gates.filter((g) => g.status === 'fail');
      expect(failing, run.stdout).toEqual([]);
      expect(gates.find((g) => g.id === 'correlation')).toMatchObject({ value: 100, status: 'pass' });
    });
  });
}

// The two transports also cover both OTLP protocols an app can export with: gRPC and HTTP/protobuf.
scenario('rabbitmq', 'grpc', skipRabbit);
scenario('nats', 'http/protobuf', skipNats);
