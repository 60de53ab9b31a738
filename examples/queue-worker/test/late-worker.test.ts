import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTable } from '../../test-support/cleanup.js';
import { unreachable } from '../../test-support/reachability.js';
import { ServiceProcess } from '../../test-support/service-process.js';
import { buildForTest, eventually, SightlineBackend, type SpanRow } from '../../test-support/sightline-backend.js';
import { must, SpanTree } from '../../test-support/span-tree.js';
import { type DeadLetterInbox, rabbitInbox } from './support/dead-letter-inbox.js';

// A job published while no worker runs waits in RabbitMQ with its traceparent; the worker started later still
// continues the request's trace, however long the job waited.
const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const skipReason = await unreachable({ PostgreSQL: 5432, Redis: 6379, RabbitMQ: 5672 });
if (skipReason) console.warn(`queue-worker (late worker): ${skipReason}`);

describe.skipIf(skipReason)('queue-worker: a job queued while the worker is down', () => {
  const runId = randomBytes(4).toString('hex');
  const queue = `jobs-late-${runId}`;
  const table = `jobs_late_${runId}`;
  const env = { QUEUE_TRANSPORT: 'rabbitmq', JOBS_QUEUE: queue, JOBS_TABLE: table, CACHE_PREFIX: `jobs:${runId}:` };
  let backend: SightlineBackend;
  let api: ServiceProcess;
  let worker: ServiceProcess;
  let inbox: DeadLetterInbox;
  let job: { jobId: string; traceId: string };
  let workerStartedMs: number;
  let spans: SpanRow[];

  beforeAll(async () => {
    buildForTest(exampleDir);
    backend = await SightlineBackend.start();
    api = ServiceProcess.start(exampleDir, 'dist/api.js', { ...backend.otelEnv('jobs-api-late'), ...env, PORT: '0' });
    const { address: url } = (await api.waitForLog('jobs api listening')) as { address: string };
    inbox = await rabbitInbox('amqp://guest:guest@127.0.0.1:5672', queue);
    const res = await fetch(`${url}/jobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'invoice.render', payload: { orderId: 7, customer: 'ada', amount: 10 } }),
    });
    job = (await res.json()) as { jobId: string; traceId: string };
    await api.stop();
    await new Promise((r) => setTimeout(r, 1000));

    workerStartedMs = Date.now();
    worker = ServiceProcess.start(exampleDir, 'dist/worker.js', { ...backend.otelEnv('invoice-worker-late'), ...env });
    const db = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await db.connect();
    await eventually(async () => {
      const { rows } = await db.query<{ status: string }>(`SELECT status FROM ${table} WHERE id = $1`, [job.jobId]);
      return rows[0]?.status === 'done' ? true : undefined;
    }, 'the queued job done');
    await db.end();
    await worker.stop();
    spans = await backend.spans();
  });

  afterAll(async () => {
    await api?.stop();
    await worker?.stop();
    await inbox?.close();
    await backend?.close();
    await dropTable(table);
  });

  it('continues the request’s trace in the worker that started after the api had stopped', () => {
    const tree = SpanTree.of(spans, job.traceId);
    expect(tree.orphans()).toEqual([]);
    const producer = must(
      tree.spans.find((s) => s.kind === 'producer'),
      'a producer span',
    );
    const consumer = must(
      tree.spans.find((s) => s.kind === 'consumer'),
      'a consumer span',
    );
    expect(producer?.service).toBe('jobs-api-late');
    expect(consumer?.service).toBe('invoice-worker-late');
    expect(tree.isDescendant(consumer, producer)).toBe(true);
    expect(consumer?.startMs).toBeGreaterThan(workerStartedMs);
    expect(tree.spans.some((s) => s.name === 'invoice.render' && s.service === 'invoice-worker-late')).toBe(true);
  });
});
