import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropTable } from '../../test-support/cleanup.js';
import { unreachable } from '../../test-support/reachability.js';
import { ServiceProcess } from '../../test-support/service-process.js';
import { buildForTest, SightlineBackend } from '../../test-support/sightline-backend.js';
import { messageOf, routeOf, statusOf } from '../../test-support/span-tree.js';

// SIGTERM arriving while 30 orders are being placed at once: what the clients see, what the database holds, and what
// telemetry reaches `sightline up`.
const exampleDir = fileURLToPath(new URL('..', import.meta.url));
const skipReason = await unreachable({ PostgreSQL: 5432, Redis: 6379 });
if (skipReason) console.warn(`express-otel graceful shutdown: ${skipReason}`);
const SERVICE = 'orders-api-express-shutdown';
const runId = randomBytes(4).toString('hex');

describe.skipIf(skipReason)('express-otel: graceful shutdown under load', () => {
  const table = `orders_express_shutdown_${runId}`;
  let backend: SightlineBackend;
  let app: ServiceProcess;
  let exitCode: number | null;
  let outcomes: PromiseSettledResult<Response>[];
  let answered: number[];

  beforeAll(async () => {
    buildForTest(exampleDir);
    backend = await SightlineBackend.start();
    app = ServiceProcess.start(exampleDir, 'dist/server.js', {
      ...backend.otelEnv(SERVICE),
      PORT: '0',
      ORDERS_TABLE: table,
      CACHE_PREFIX: `orders:${runId}:shutdown:`,
    });
    const { address: url } = (await app.waitForLog('orders api listening')) as { address: string };
    const body = JSON.stringify({ customer: 'ada', items: [{ sku: 'BOOK-1', quantity: 1, unitPrice: 10 }] });
    const requests = Array.from({ length: 30 }, () =>
      fetch(`${url}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body }),
    );
    // SIGTERM as soon as the first order is answered, with the others queued on the pool, in flight or not yet read.
    await Promise.race(requests);
    app.kill('SIGTERM');
    outcomes = await Promise.allSettled(requests);
    exitCode = await app.exited();
    answered = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value.status] : []));
  });

  afterAll(async () => {
    await app?.stop();
    await backend?.close();
    await dropTable(table);
  });

  it('answers every request it had started when SIGTERM arrives, then exits 0', async () => {
    expect(exitCode).toBe(0);
    expect(answered.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answered)).toEqual(new Set([201]));
    // Requests the server had not read yet are refused or reset (the client may retry them: nothing happened);
    // every request it had started is answered, so no order exists that its client was not told about.
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        expect(['ECONNREFUSED', 'ECONNRESET']).toContain((o.reason as { cause?: { code?: string } }).cause?.code);
      }
    }
    const client = new pg.Client({ host: '127.0.0.1', port: 5432, user: 'postgres', database: 'test' });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`);
    await client.end();
    expect(Number(rows[0]?.n)).toBe(answered.length);
  });

  // With an app handler, @sightline/node flushes at the signal and shuts down at exit, so the drain is recorded.
  it('exports the span and the log line of every request answered during the shutdown', async () => {
    const spans = await backend.spans(SERVICE);
    const posts = spans.filter((s) => s.kind === 'server' && routeOf(s) === '/orders');
    expect(posts.map((s) => Number(statusOf(s)))).toEqual(answered);
    const logs = await backend.logs(SERVICE);
    expect(logs.filter((l) => messageOf(l) === 'order created')).toHaveLength(answered.length);
  });
});
