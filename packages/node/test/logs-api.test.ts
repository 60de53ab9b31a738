import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;

describe('records written through the OTel Logs API and through pino reach the backend alike', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;

  beforeAll(async () => {
    const port = await receiver.startHttp();
    app = await startApp('logs-api-app.cjs', { flag: '--require', env: otlpEnv('http/protobuf', port) });
    await fetch(`${app.base}/one`);
    await receiver.waitFor(
      () => receiver.logs.length >= 3 && receiver.spans.some((s) => s.kind === SERVER),
      15_000,
      'three log records and the server span',
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('keeps a Logs API record emitted at start-up, before anything else was logged', () => {
    const first = receiver.logs.find((l) => l.body === 'starting');
    expect(first).toMatchObject({ scope: 'app-audit', severityText: 'INFO', attributes: { phase: 'start-up' } });
    expect(first?.traceId).toBe('');
  });

  it('gives Logs API and pino records inside a request the request span ids, each under its own scope', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER);
    const api = receiver.logs.find((l) => l.body === 'request seen');
    const pino = receiver.logs.find((l) => l.body === 'pino line');
    expect(api).toMatchObject({ scope: 'app-audit', traceId: span?.traceId, spanId: span?.spanId });
    expect(pino).toMatchObject({
      scope: '@sightline/node/pino',
      severityText: 'INFO',
      traceId: span?.traceId,
      spanId: span?.spanId,
      attributes: { path: '/one' },
    });
    expect(pino?.resource['service.name']).toBe(api?.resource['service.name']);
  });
});
