import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpJson, startServer } from '../src/index.js';
import { REQUEST_TYPES } from '../src/otlp-proto.js';
import { getJson, startTestServer, tempDir } from './helpers.js';
import { logsRequest, metricsRequest, ns, postJson, spanId, traceId, tracesRequest } from './otlp-fixtures.js';

const DAY = 86_400_000;

describe('--token', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ token: 's3cret-token' });
  });
  afterAll(async () => server?.cleanup());
  const body = tracesRequest('secure', [
    { traceId: traceId(1), spanId: spanId(1), name: 'x', kind: 2, startMs: Date.now(), durationMs: 1 },
  ]);

  it('requires Authorization: Bearer on OTLP/HTTP', async () => {
    expect((await postJson(server.otlpHttpUrl, '/v1/traces', body)).status).toBe(401);
    expect((await postJson(server.otlpHttpUrl, '/v1/traces', body, { authorization: 'Bearer wrong' })).status).toBe(
      401,
    );
    expect(
      (await postJson(server.otlpHttpUrl, '/v1/traces', body, { authorization: 'Bearer s3cret-token-and-more' }))
        .status,
    ).toBe(401);
    expect(
      (await postJson(server.otlpHttpUrl, '/v1/traces', body, { authorization: 'Bearer s3cret-token' })).status,
    ).toBe(200);
  });

  it('requires it on the query API', async () => {
    const denied = await getJson(`${server.apiUrl}/api/health`);
    expect(denied).toMatchObject({ status: 401, body: { error: { code: 'SIGHTLINE_ERR_UNAUTHORIZED' } } });
    const ok = await getJson(`${server.apiUrl}/api/health`, { headers: { authorization: 'Bearer s3cret-token' } });
    expect(ok.body.storage.spans).toBe(1);
    // the UI's static page holds no data and loads without the token
    expect((await fetch(`${server.apiUrl}/`)).status).toBe(200);
  });

  it('requires it on OTLP/gRPC', async () => {
    const client = new grpc.Client(server.otlpGrpcUrl.replace('http://', ''), grpc.credentials.createInsecure());
    const payload = Buffer.from(
      REQUEST_TYPES.traces.encode(decodeOtlpJson('traces', JSON.stringify(body)) as never).finish(),
    );
    const call = (md: grpc.Metadata) =>
      new Promise<number>((resolve) =>
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          payload,
          md,
          (err) => resolve(err ? err.code : 0),
        ),
      );
    expect(await call(new grpc.Metadata())).toBe(grpc.status.UNAUTHENTICATED);
    const md = new grpc.Metadata();
    md.set('authorization', 'Bearer s3cret-token');
    expect(await call(md)).toBe(grpc.status.OK);
    client.close();
  });

  it('is demanded loudly when binding a non-loopback address without one', async () => {
    const warnings: string[] = [];
    const open = await startTestServer({ host: '0.0.0.0', onWarning: (m) => warnings.push(m) });
    await open.cleanup();
    expect(warnings.join('\n')).toMatch(/0\.0\.0\.0 WITHOUT a token/);
  });
});

describe('--retention', () => {
  it('deletes spans, logs and metric points older than the window when the server starts and on schedule', async () => {
    const tmp = tempDir();
    try {
      const now = Date.now();
      const first = await startServer({
        dataDir: tmp.dir,
        port: 0,
        otlpGrpcPort: 0,
        otlpHttpPort: 0,
        retention: '7d',
        onWarning: () => {},
      });
      const spans = [3 * DAY, 2 * 60_000].map((age, i) => ({
        traceId: traceId(i + 1),
        spanId: spanId(i + 1),
        name: `age-${age}`,
        kind: 2,
        startMs: now - age,
        durationMs: 1,
      }));
      expect((await postJson(first.otlpHttpUrl, '/v1/traces', tracesRequest('r', spans))).status).toBe(200);
      const logs = [3 * DAY, 60_000].map((age) => ({
        timeMs: now - age,
        severityNumber: 9,
        severityText: 'info',
        body: `age ${age}`,
      }));
      expect((await postJson(first.otlpHttpUrl, '/v1/logs', logsRequest('r', logs))).status).toBe(200);
      const gauge = {
        name: 'g',
        gauge: { dataPoints: [3 * DAY, 60_000].map((age) => ({ timeUnixNano: ns(now - age), asDouble: 1 })) },
      };
      expect((await postJson(first.otlpHttpUrl, '/v1/metrics', metricsRequest('r', [gauge]))).status).toBe(200);
      expect((await getJson(`${first.apiUrl}/api/health`)).body.storage).toEqual({
        spans: 2,
        logs: 2,
        metricPoints: 2,
      });
      await first.close();

      const second = await startServer({
        dataDir: tmp.dir,
        port: 0,
        otlpGrpcPort: 0,
        otlpHttpPort: 0,
        retention: '1d',
        onWarning: () => {},
      });
      expect((await getJson(`${second.apiUrl}/api/health`)).body.storage).toEqual({
        spans: 1,
        logs: 1,
        metricPoints: 1,
      });
      const remaining = await getJson(`${second.apiUrl}/api/spans?from=${now - 10 * DAY}`);
      expect(remaining.body.spans.map((s: { name: string }) => s.name)).toEqual([`age-${2 * 60_000}`]);
      // the schedule: the store's sweep deletes what has aged out since
      expect(await second.store.applyRetention(DAY, now + DAY)).toBe(3);
      await second.close();
    } finally {
      tmp.cleanup();
    }
  });

  it('refuses at ingest exactly what a sweep would delete: a span that started before the window', async () => {
    const server = await startTestServer({ retention: '1d' });
    try {
      const now = Date.now();
      const longSpan = {
        traceId: traceId(7),
        spanId: spanId(7),
        name: 'long',
        kind: 2,
        startMs: now - DAY - 60_000,
        durationMs: 120_000,
      };
      const res = await postJson(server.otlpHttpUrl, '/v1/traces', tracesRequest('r', [longSpan]));
      expect(JSON.parse(res.body).partialSuccess.rejectedSpans).toBe('1');
      expect(await server.store.applyRetention(DAY)).toBe(0);
    } finally {
      await server.cleanup();
    }
  });

  it('refuses a malformed retention naming the flag', async () => {
    await expect(
      startServer({ retention: 'forever', port: 0, otlpGrpcPort: 0, otlpHttpPort: 0 }),
    ).rejects.toMatchObject({
      code: 'SIGHTLINE_ERR_INVALID_DURATION',
      message: expect.stringContaining('--retention "forever"'),
    });
  });
});
