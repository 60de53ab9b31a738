import { gzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../src/index.js';
import { REQUEST_TYPES, RpcStatus } from '../src/otlp-proto.js';
import { getJson, startTestServer } from './helpers.js';
import { postJson, spanId, traceId, tracesRequest } from './otlp-fixtures.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const MAX = 64 * 1024;
beforeAll(async () => {
  server = await startTestServer({ maxBody: '64KiB' });
});
afterAll(async () => server?.cleanup());

const now = Date.now();
const span = (n: number, overrides: Record<string, unknown> = {}) => ({
  traceId: traceId(n),
  spanId: spanId(n),
  name: `op-${n}`,
  kind: 2,
  startMs: now - 1000,
  durationMs: 5,
  ...overrides,
});
const protobuf = (json: object) =>
  REQUEST_TYPES.traces.encode(decodeOtlpJson('traces', JSON.stringify(json)) as never).finish();
const post = (body: BodyInit, headers: Record<string, string>, path = '/v1/traces') =>
  fetch(`${server.otlpHttpUrl}${path}`, { method: 'POST', headers, body }).then(async (r) => ({
    status: r.status,
    text: await r.text(),
    headers: r.headers,
  }));
const storedSpans = async () => (await getJson(`${server.apiUrl}/api/health`)).body.storage.spans as number;

describe('OTLP/HTTP bad input', () => {
  it('answers 400 for malformed protobuf and JSON, naming the problem, and stores nothing', async () => {
    const before = await storedSpans();
    const garbage = await post(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x01]), {
      'content-type': 'application/x-protobuf',
    });
    expect(garbage.status).toBe(400);
    const notJson = await post('{"resourceSpans": [', { 'content-type': 'application/json' });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.text)).toMatchObject({ code: 3, error: { code: 'SIGHTLINE_ERR_OTLP_DECODE' } });
    const wrongShape = await post('{"resourceSpans": "many"}', { 'content-type': 'application/json' });
    expect(wrongShape.status).toBe(400);
    expect(JSON.parse(wrongShape.text).error.message).toContain('resourceSpans');
    const badGzip = await post('not gzip at all', { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(badGzip.status).toBe(400);
    expect(JSON.parse(badGzip.text).error.code).toBe('SIGHTLINE_ERR_BAD_GZIP');
    expect(await storedSpans()).toBe(before);
  });

  it('rejects a whole request with an invalid id (wrong length or all zeros), naming the field', async () => {
    const before = await storedSpans();
    const shortId = await postJson(
      server.otlpHttpUrl,
      '/v1/traces',
      tracesRequest('bad', [span(1), span(2, { traceId: 'ab'.repeat(15) })]),
    );
    expect(shortId.status).toBe(400);
    expect(JSON.parse(shortId.body).error.message).toBe(
      'resourceSpans[0].scopeSpans[0].spans[1].traceId is 15 bytes; it must be 16 bytes (32 hex chars)',
    );
    const zeros = await postJson(
      server.otlpHttpUrl,
      '/v1/traces',
      tracesRequest('bad', [span(3, { spanId: '0'.repeat(16) })]),
    );
    expect(zeros.status).toBe(400);
    expect(JSON.parse(zeros.body).error.message).toContain('spanId is all zeros');
    const notHex = await postJson(
      server.otlpHttpUrl,
      '/v1/traces',
      tracesRequest('bad', [span(4, { traceId: 'zz'.repeat(16) })]),
    );
    expect(notHex.status).toBe(400);
    const valid = await post(protobuf(tracesRequest('ok', [span(5)])), { 'content-type': 'application/x-protobuf' });
    expect(valid.status).toBe(200); // control: the same request, valid, is accepted
    expect(await storedSpans()).toBe(before + 1);
  });

  it('answers 415 for an unsupported content type or encoding, 404 for unknown paths, 405 for GET', async () => {
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    // non-JSON requests get a protobuf google.rpc.Status, as OTLP/HTTP specifies
    const status = RpcStatus.decode(
      new Uint8Array(
        await (
          await fetch(`${server.otlpHttpUrl}/v1/traces`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain' },
            body: 'x',
          })
        ).arrayBuffer(),
      ),
    ) as unknown as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toContain('Content-Type "text/plain" is not supported');
    const br = await post('{}', { 'content-type': 'application/json', 'content-encoding': 'br' });
    expect(br.status).toBe(415);
    const unknown = await post('{}', { 'content-type': 'application/json' }, '/v1/profiles');
    expect(unknown.status).toBe(404);
    const get = await fetch(`${server.otlpHttpUrl}/v1/traces`);
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('answers 413 for bodies over --max-body, compressed or after decompression', async () => {
    const big = await post(new Uint8Array(MAX + 1), { 'content-type': 'application/x-protobuf' });
    expect(big.status).toBe(413);
    const bomb = gzipSync(Buffer.alloc(MAX * 4, 0x20));
    expect(bomb.length).toBeLessThan(MAX);
    const inflated = await post(bomb, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    expect(inflated.status).toBe(413);
    expect(JSON.parse(inflated.text).error.message).toContain('--max-body');
  });

  it('accepts gzip-compressed protobuf and JSON and keeps serving after every rejection', async () => {
    const before = await storedSpans();
    const pb = await post(gzipSync(protobuf(tracesRequest('gz', [span(6)]))), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(pb.status).toBe(200);
    expect(pb.headers.get('content-type')).toBe('application/x-protobuf');
    const js = await post(gzipSync(JSON.stringify(tracesRequest('gz', [span(7)]))), {
      'content-type': 'application/json; charset=utf-8',
      'content-encoding': 'gzip',
    });
    expect(js.status).toBe(200);
    expect(js.text).toBe('{}');
    expect(await storedSpans()).toBe(before + 2);
  });
});

describe('OTLP/gRPC bad input', () => {
  let client: grpc.Client;
  beforeAll(() => {
    client = new grpc.Client(server.otlpGrpcUrl.replace('http://', ''), grpc.credentials.createInsecure());
  });
  afterAll(() => client?.close());
  const call = (path: string, body: Uint8Array) =>
    new Promise<{ code: number; details: string }>((resolve) => {
      client.makeUnaryRequest(
        path,
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from(body),
        (err) => resolve(err ? { code: err.code, details: err.details } : { code: 0, details: '' }),
      );
    });
  const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

  it('answers INVALID_ARGUMENT for malformed protobuf and invalid ids, OK for a valid request', async () => {
    const before = await storedSpans();
    const garbage = await call(TRACES, new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(garbage.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(garbage.details).toContain('SIGHTLINE_ERR_OTLP_DECODE');
    const zeros = await call(TRACES, protobuf(tracesRequest('bad', [span(8, { traceId: '0'.repeat(32) })])));
    expect(zeros.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(zeros.details).toContain('traceId is all zeros');
    expect((await call(TRACES, protobuf(tracesRequest('grpc', [span(9)])))).code).toBe(grpc.status.OK);
    expect(await storedSpans()).toBe(before + 1);
  });

  it('answers RESOURCE_EXHAUSTED for a message over --max-body and UNIMPLEMENTED for unknown methods', async () => {
    const huge = await call(TRACES, new Uint8Array(MAX + 100));
    expect(huge.code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    const unknown = await call(
      '/opentelemetry.proto.collector.profiles.v1development.ProfilesService/Export',
      new Uint8Array(),
    );
    expect(unknown.code).toBe(grpc.status.UNIMPLEMENTED);
  });
});

describe('query API bad input', () => {
  it('answers coded JSON errors for unknown endpoints, methods and OTLP paths', async () => {
    const unknown = await getJson(`${server.apiUrl}/api/nope`);
    expect(unknown).toMatchObject({ status: 404, body: { error: { code: 'SIGHTLINE_ERR_NOT_FOUND' } } });
    const post = await getJson(`${server.apiUrl}/api/health`, { method: 'POST' });
    expect(post.status).toBe(405);
    const otlp = await getJson(`${server.apiUrl}/v1/traces`);
    expect(otlp.status).toBe(404);
    const badEscape = await getJson(`${server.apiUrl}/api/traces/%E0%A4%A`);
    expect(badEscape).toMatchObject({ status: 400, body: { error: { code: 'SIGHTLINE_ERR_BAD_PARAM' } } });
  });
});
