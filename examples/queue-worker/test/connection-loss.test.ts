import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import amqp from 'amqplib';
import { afterAll, describe, expect, it } from 'vitest';
import { dropTable } from '../../test-support/cleanup.js';
import { unreachable } from '../../test-support/reachability.js';
import { ServiceProcess } from '../../test-support/service-process.js';
import { buildForTest, eventually, SightlineBackend } from '../../test-support/sightline-backend.js';

// The broker drops the worker's connection (as on a RabbitMQ restart or a network cut): the worker must not linger
// as a consumer of nothing; it shuts down through its normal path and exits 1 so its supervisor restarts it.
const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const rabbitmqctl = (args: string[]) =>
  execFileSync('rabbitmqctl', args, { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'pipe'] });
let skipReason = await unreachable({ PostgreSQL: 5432, Redis: 6379, RabbitMQ: 5672 });
if (!skipReason) {
  try {
    rabbitmqctl(['list_connections', 'pid']);
  } catch {
    skipReason = 'skipped: `rabbitmqctl list_connections` is not usable here (not installed or no permission)';
  }
}
if (skipReason) console.warn(`queue-worker (connection loss): ${skipReason}`);

describe.skipIf(skipReason)('queue-worker: the broker closes the worker’s connection', () => {
  const runId = randomBytes(4).toString('hex');
  const queue = `jobs-loss-${runId}`;
  const table = `jobs_loss_${runId}`;
  let backend: SightlineBackend;
  let worker: ServiceProcess;

  afterAll(async () => {
    await worker?.stop();
    await backend?.close();
    await dropTable(table);
    const connection = await amqp.connect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await connection.createChannel();
    await channel.deleteQueue(queue);
    await channel.deleteQueue(`${queue}.dead`);
    await connection.close();
  });

  let exitCode: number | null;

  it('logs the loss and shuts down through its SIGTERM path', async () => {
    buildForTest(exampleDir);
    backend = await SightlineBackend.start();
    worker = ServiceProcess.start(exampleDir, 'dist/worker.js', {
      ...backend.otelEnv('invoice-worker-loss'),
      QUEUE_TRANSPORT: 'rabbitmq',
      JOBS_QUEUE: queue,
      JOBS_TABLE: table,
    });
    await worker.waitForLog('worker consuming');
    const pid = await eventually(async () => {
      const rows = rabbitmqctl(['list_connections', '--quiet', '--no-table-headers', 'pid', 'client_properties']);
      const line = rows.split('\n').find((l) => l.includes(`queue-worker ${queue} pid`));
      return line?.split('\t')[0];
    }, "the worker's connection in rabbitmqctl list_connections");
    rabbitmqctl(['close_connection', pid, 'connection-loss test']);

    exitCode = await worker.exited();
    const messages = worker.records().map((r) => r.msg);
    expect(messages, worker.output()).toContain('RabbitMQ connection lost, shutting down');
    expect(messages).toContain('worker shutting down');
    expect(messages).toContain('worker stopped');
  });

  // @sightline/node's exit interception keeps the app's own process.exitCode.
  it('exits with code 1 so that a supervisor sees the failure', () => {
    expect(exitCode).toBe(1);
  });
});
