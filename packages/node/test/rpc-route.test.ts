import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;

describe('a node:http app that reports its route on the context RPC metadata (as official framework instrumentations do)', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;

  beforeAll(async () => {
    const port = await receiver.startHttp();
    app = await startApp('rpc-route-app.cjs', { flag: '--require', env: otlpEnv('http/protobuf', port) });
    await (await fetch(`${app.base}/users/42`)).text();
    await (await fetch(`${app.base}/nested/7`)).text();
    await receiver.waitFor(
      () => receiver.spans.filter((s) => s.kind === SERVER).length >= 2 && receiver.spans.length >= 3,
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('names the server span after the route set in the request context', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/users/42');
    expect(span?.name).toBe('GET /users/:id');
    expect(span?.attributes['http.route']).toBe('/users/:id');
  });

  it('finds the same RPC metadata from a child span context, and parents the child under the request span', () => {
    const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/nested/7');
    expect(server?.attributes['http.route']).toBe('/nested/:x');
    const inner = receiver.spans.find((s) => s.name === 'inner');
    expect(inner?.parentSpanId).toBe(server?.spanId);
    expect(inner?.traceId).toBe(server?.traceId);
  });
});
