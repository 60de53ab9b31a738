// pino before version 9 has no streamWrite hook, which an earlier correlation relied on: its lines went without ids.
// Correlation now goes through pino.symbols (pino's time function and write method), which pino 6 to 10 export, and
// for a stream that reads the time back (pino.multistream), through the stream's write method. The
// app is a project of its own on pino 8 (test/fixtures/pino-8, installed from its lockfile by
// scripts/install-test-apps.mjs before the tests).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, FIXTURES, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const installed = existsSync(join(FIXTURES, 'pino-8', 'node_modules', 'pino', 'package.json'));
if (!installed) {
  console.warn(
    'skipped: pino-8.test.ts needs test/fixtures/pino-8 installed (node scripts/install-test-apps.mjs; npm test does it)',
  );
}

describe.skipIf(!installed)('an app on pino 8, started with --require @sightline/node/register', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;

  beforeAll(async () => {
    const port = await receiver.startHttp();
    app = await startApp('pino-8/app.cjs', {
      flag: '--require',
      env: { ...otlpEnv('http/protobuf', port), OTEL_BSP_SCHEDULE_DELAY: '200', OTEL_BLRP_SCHEDULE_DELAY: '200' },
    });
    expect(await (await fetch(`${app.base}/orders/1`)).text()).toBe('ok');
    await receiver.waitFor(
      () => receiver.spans.some((s) => s.kind === SERVER) && receiver.logs.some((l) => l.body === 'from the child'),
      15_000,
      'the request span and its log records',
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it("writes the request span's ids in the lines of a logger and its child, none outside the request", () => {
    const server = receiver.spans.find((s) => s.kind === SERVER);
    const ids = { trace_id: server?.traceId, span_id: server?.spanId, trace_flags: '01' };
    expect(app.lines.find((l) => l.msg === 'handling request')).toMatchObject({ ...ids, path: '/orders/1' });
    expect(app.lines.find((l) => l.msg === 'from the child')).toMatchObject({ ...ids, component: 'orders' });
    expect(app.lines.find((l) => l.msg === 'ready for requests')).not.toHaveProperty('trace_id');
  });

  it('sends each call as an OTLP log record with the message as pino wrote it, under the request span', () => {
    const server = receiver.spans.find((s) => s.kind === SERVER);
    for (const body of ['handling request', 'from the child', 'through multistream'])
      expect(receiver.logs.find((l) => l.body === body)?.spanId, body).toBe(server?.spanId);
  });

  it('writes the ids in front of a multistream line (pino 8 has no streamWrite hook: through the stream)', () => {
    const server = receiver.spans.find((s) => s.kind === SERVER);
    const line = app.lines.find((l) => l.msg === 'through multistream');
    expect(line).toMatchObject({ trace_id: server?.traceId, span_id: server?.spanId, trace_flags: '01', level: 30 });
    expect(Object.keys(line ?? {}).slice(0, 3)).toEqual(['trace_id', 'span_id', 'trace_flags']);
    expect(typeof line?.time).toBe('number');
  });
});
