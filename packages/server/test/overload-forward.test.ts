import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../src/index.js';
import { REQUEST_TYPES, RetryInfo, RpcStatus } from '../src/otlp-proto.js';
import { getJson, startTestServer } from './helpers.js';
import { logsRequest, postJson, spanId, traceId, tracesRequest } from './otlp-fixtures.js';

const spans = (base: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    traceId: traceId(base + i),
    spanId: spanId(base + i),
    name: 'load',
    kind: 2,
    startMs: Date.now(),
    durationMs: 1,
  }));

describe('overload', () => {
  const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
  afterAll(async () => Promise.all(servers.map((s) => s.cleanup())));

  it('answers 429 with Retry-After instead of queueing without bound, and stores exactly what it acknowledged', async () => {
    const server = await startTestServer({ maxQueuedRows: 10 });
    servers.push(server);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        postJson(server.otlpHttpUrl, '/v1/traces', tracesRequest('load', spans(i * 100, 8))),
      ),
    );
    const ok = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(ok.length + limited.length).toBe(40);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(JSON.parse(limited[0]!.body)).toMatchObject({ code: 8, error: { code: 'SIGHTLINE_ERR_OVERLOADED' } });
    expect((await getJson(`${server.apiUrl}/api/health`)).body.storage.spans).toBe(ok.length * 8);
  });

  it('answers RESOURCE_EXHAUSTED with google.rpc.RetryInfo over gRPC', async () => {
    const server = await startTestServer({ maxQueuedRows: 10 });
    servers.push(server);
    const client = new grpc.Client(server.otlpGrpcUrl.replace('http://', ''), grpc.credentials.createInsecure());
    const calls = Array.from({ length: 40 }, (_, i) => {
      const payload = Buffer.from(
        REQUEST_TYPES.traces
          .encode(decodeOtlpJson('traces', JSON.stringify(tracesRequest('g', spans(i * 100, 8)))) as never)
          .finish(),
      );
      return new Promise<grpc.ServiceError | null>((resolve) =>
        client.makeUnaryRequest(
          '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          (b: Buffer) => b,
          (b: Buffer) => b,
          payload,
          (err) => resolve(err),
        ),
      );
    });
    const errors = (await Promise.all(calls)).filter((e): e is grpc.ServiceError => e !== null);
    client.close();
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((e) => e.code === grpc.status.RESOURCE_EXHAUSTED)).toBe(true);
    const details = errors[0]!.metadata.get('grpc-status-details-bin')[0] as Buffer;
    const status = RpcStatus.decode(details) as unknown as {
      code: number;
      details: { typeUrl: string; value: Uint8Array }[];
    };
    expect(status.code).toBe(8);
    expect(status.details[0]!.typeUrl).toBe('type.googleapis.com/google.rpc.RetryInfo');
    const retry = RetryInfo.toObject(RetryInfo.decode(status.details[0]!.value), { longs: Number }) as {
      retryDelay: { seconds: number };
    };
    expect(retry.retryDelay.seconds).toBe(1);
    expect((await getJson(`${server.apiUrl}/api/health`)).body.storage.spans).toBe((40 - errors.length) * 8);
  });
});

describe('--forward', () => {
  const servers: Awaited<ReturnType<typeof startTestServer>>[] = [];
  afterAll(async () => {
    for (const s of servers.reverse()) await s.cleanup();
  });

  it('tees every accepted batch to the upstream OTLP/HTTP endpoint', async () => {
    const upstream = await startTestServer();
    servers.push(upstream);
    const local = await startTestServer({ forward: upstream.otlpHttpUrl });
    servers.push(local);
    expect((await postJson(local.otlpHttpUrl, '/v1/traces', tracesRequest('fwd', spans(1, 3)))).status).toBe(200);
    expect(
      (
        await postJson(
          local.otlpHttpUrl,
          '/v1/logs',
          logsRequest('fwd', [{ timeMs: Date.now(), severityNumber: 9, severityText: 'info', body: 'teed' }]),
        )
      ).status,
    ).toBe(200);
    let storage: { spans: number; logs: number } = { spans: 0, logs: 0 };
    for (let i = 0; i < 100 && (storage.spans < 3 || storage.logs < 1); i++) {
      await new Promise((r) => setTimeout(r, 50));
      storage = (await getJson(`${upstream.apiUrl}/api/health`)).body.storage;
    }
    expect(storage).toMatchObject({ spans: 3, logs: 1 });
    const upstreamTrace = await getJson(`${upstream.apiUrl}/api/traces/${traceId(2)}`);
    expect(upstreamTrace.status).toBe(200);
    expect(local.stats().forward).toMatchObject({ sent: 2, dropped: 0 });
  });

  it('never fails local ingest when the upstream is down', async () => {
    const local = await startTestServer({ forward: 'http://127.0.0.1:9' });
    servers.push(local);
    expect((await postJson(local.otlpHttpUrl, '/v1/traces', tracesRequest('fwd', spans(50, 2)))).status).toBe(200);
    expect((await getJson(`${local.apiUrl}/api/health`)).body.storage.spans).toBe(2);
  });
});
