import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppProcess, startApp } from './support/app-process.js';

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('OTEL_METRICS_EXPORTER=prometheus', () => {
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
  });

  it('serves /metrics for a scraping Prometheus, with the HTTP duration histogram under its translated name', async () => {
    const metricsPort = await freePort();
    app = await startApp('fastify-app.cjs', {
      flag: '--require',
      env: {
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
    });
    expect((await fetch(`${app.base}/api/items/1`)).status).toBe(200);
    const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    expect(text).toMatch(
      /http_server_request_duration_seconds_bucket\{[^}]*http_route="\/api\/items\/:id"[^}]*le="0\.005"\}/,
    );
    expect(text).toContain('sightline_sdk_dropped');
    expect(text).toContain('nodejs_eventloop_delay_p99_seconds');
  });
});
