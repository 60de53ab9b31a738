import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttp2Server } from 'node:http2';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../src/index.js';
import { REQUEST_TYPES, type Signal } from '../src/otlp-proto.js';
import { getJson, startTestServer, tempDir } from './helpers.js';
import { postJson, spanId, traceId, tracesRequest } from './otlp-fixtures.js';
import { EPHEMERAL_PORTS, ensureCliBuilt, eventually, freePort, killUpProcesses, up } from './up-process.js';

const spans = (base: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({
    traceId: traceId(base + i),
    spanId: spanId(base + i),
    name: 'fwd',
    kind: 2,
    startMs: Date.now(),
    durationMs: 1,
  }));

const protobufBody = (service: string, base: number, n: number) =>
  Buffer.from(
    REQUEST_TYPES.traces
      .encode(decodeOtlpJson('traces', JSON.stringify(tracesRequest(service, spans(base, n)))) as never)
      .finish(),
  );

async function postProtobuf(url: string, body: Buffer): Promise<number> {
  const res = await fetch(`${url}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf' },
    body,
  });
  await res.arrayBuffer();
  return res.status;
}

interface Received {
  path: string;
  body: Buffer;
  metadata: grpc.Metadata;
}

/**
 * A real OTLP/gRPC receiver (grpc-js server) that records every Export call and answers with the next scripted
 * status (OK once the script runs out).
 */
async function grpcReceiver(
  script: grpc.status[] = [],
  credentials: grpc.ServerCredentials = grpc.ServerCredentials.createInsecure(),
  host = '127.0.0.1',
) {
  const received: Received[] = [];
  const attempts: grpc.status[] = [];
  const server = new grpc.Server();
  const paths: Record<Signal, string> = {
    traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
    metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
    logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  };
  for (const path of Object.values(paths)) {
    const same = (b: Buffer) => b;
    server.addService(
      {
        Export: {
          path,
          requestStream: false,
          responseStream: false,
          requestSerialize: same,
          requestDeserialize: same,
          responseSerialize: same,
          responseDeserialize: same,
        },
      },
      {
        Export: ((call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
          const code = script.shift() ?? grpc.status.OK;
          attempts.push(code);
          if (code !== grpc.status.OK) return callback({ code, details: `scripted ${grpc.status[code]}` });
          received.push({ path, body: call.request, metadata: call.metadata });
          callback(null, Buffer.alloc(0));
        }) as grpc.UntypedHandleCall,
      },
    );
  }
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:0`, credentials, (e, p) => (e ? reject(e) : resolve(p))),
  );
  return { port, received, attempts, close: () => new Promise<void>((r) => server.tryShutdown(() => r())) };
}

describe('--forward grpc:// (in-process server, real grpc-js receiver)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('sends the received protobuf bytes unchanged, gzip-compressed, with the configured metadata', async () => {
    const receiver = await grpcReceiver();
    cleanups.push(receiver.close);
    const local = await startTestServer({
      forward: `grpc://127.0.0.1:${receiver.port}`,
      forwardHeaders: { Authorization: 'Bearer upstream-secret', 'x-scope-orgid': 'dev' },
      forwardCompression: 'gzip',
    });
    cleanups.push(local.cleanup);
    const body = protobufBody('passthrough', 1, 5);
    expect(await postProtobuf(local.otlpHttpUrl, body)).toBe(200);
    const got = await eventually(async () => receiver.received[0], 5000, 'the upstream Export call');
    expect(got.path).toBe('/opentelemetry.proto.collector.trace.v1.TraceService/Export');
    expect(got.body.equals(body)).toBe(true);
    expect(got.metadata.get('authorization')).toEqual(['Bearer upstream-secret']);
    // grpc-js decompresses before the handler; the wire-level check is the next test
    expect(got.metadata.get('x-scope-orgid')).toEqual(['dev']);
    // the upstream has the call before the client has its answer
    await eventually(async () => (local.stats().forward!.sent === 1 ? true : undefined), 5000, 'sent: 1');
    expect(local.stats().forward).toMatchObject({ sent: 1, dropped: 0, retried: 0, queued: 0, queuedBytes: 0 });
  });

  it('compresses each message with gzip on the wire when asked (grpc-encoding: gzip, compressed-flag set)', async () => {
    const frames: { encoding: string | undefined; compressed: number; payload: Buffer }[] = [];
    const h2 = createHttp2Server();
    h2.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const length = raw.readUInt32BE(1);
        frames.push({
          encoding: headers['grpc-encoding'] as string | undefined,
          compressed: raw[0]!,
          payload: raw.subarray(5, 5 + length),
        });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    await new Promise<void>((r) => h2.listen(0, '127.0.0.1', () => r()));
    cleanups.push(() => new Promise((r) => h2.close(r)));
    const local = await startTestServer({
      forward: `grpc://127.0.0.1:${(h2.address() as { port: number }).port}`,
      forwardCompression: 'gzip',
    });
    cleanups.push(local.cleanup);
    const body = protobufBody('gzip', 50, 20);
    expect(await postProtobuf(local.otlpHttpUrl, body)).toBe(200);
    const frame = await eventually(async () => frames[0], 5000, 'the upstream frame');
    expect(frame.encoding).toBe('gzip');
    expect(frame.compressed).toBe(1);
    expect(gunzipSync(frame.payload).equals(body)).toBe(true);
    expect(frame.payload.length).toBeLessThan(body.length);
    await eventually(async () => (local.stats().forward!.sent === 1 ? true : undefined), 5000, 'sent: 1');
  });

  it('retries UNAVAILABLE, RESOURCE_EXHAUSTED and DEADLINE_EXCEEDED with backoff, then delivers', async () => {
    const receiver = await grpcReceiver([
      grpc.status.UNAVAILABLE,
      grpc.status.RESOURCE_EXHAUSTED,
      grpc.status.DEADLINE_EXCEEDED,
    ]);
    cleanups.push(receiver.close);
    const warnings: string[] = [];
    const local = await startTestServer({
      forward: `grpc://127.0.0.1:${receiver.port}`,
      onWarning: (m) => warnings.push(m),
    });
    cleanups.push(local.cleanup);
    const started = Date.now();
    expect(await postProtobuf(local.otlpHttpUrl, protobufBody('retry', 100, 2))).toBe(200);
    expect(Date.now() - started).toBeLessThan(1000); // local ingest never waits for the upstream
    await eventually(async () => receiver.received[0], 10_000, 'delivery after three retryable failures');
    expect(receiver.attempts).toEqual([
      grpc.status.UNAVAILABLE,
      grpc.status.RESOURCE_EXHAUSTED,
      grpc.status.DEADLINE_EXCEEDED,
      grpc.status.OK,
    ]);
    await eventually(async () => (local.stats().forward!.sent === 1 ? true : undefined), 5000, 'sent: 1');
    expect(local.stats().forward).toMatchObject({ sent: 1, retried: 3, dropped: 0 });
    // one warning for the whole episode (rate-limited), naming the upstream and the status
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^forward: grpc:\/\/127\.0\.0\.1:\d+ .*TraceService\/Export: UNAVAILABLE .*retrying/);
  });

  it('drops (and counts) batches the upstream refuses, with one rate-limited warning', async () => {
    const receiver = await grpcReceiver(Array(5).fill(grpc.status.UNAUTHENTICATED));
    cleanups.push(receiver.close);
    const warnings: string[] = [];
    const local = await startTestServer({
      forward: `grpc://127.0.0.1:${receiver.port}`,
      onWarning: (m) => warnings.push(m),
    });
    cleanups.push(local.cleanup);
    for (let i = 0; i < 5; i++)
      expect(await postProtobuf(local.otlpHttpUrl, protobufBody('refused', 200 + i * 10, 1))).toBe(200);
    await eventually(async () => (local.stats().forward!.dropped === 5 ? true : undefined), 5000, '5 drops');
    expect(local.stats().forward).toMatchObject({ sent: 0, dropped: 5, retried: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('UNAUTHENTICATED');
    expect(warnings[0]).toContain('SIGHTLINE_FORWARD_HEADERS');
    expect((await getJson(`${local.apiUrl}/api/health`)).body.storage.spans).toBe(5);
  });

  it('bounds the queue while the upstream is down: the oldest batches are dropped and counted', async () => {
    const port = await freePort();
    const local = await startTestServer({ forward: `grpc://127.0.0.1:${port}` });
    cleanups.push(local.cleanup);
    // 1,000 batches is the bound; 1,010 arrive while nothing listens upstream
    const body = protobufBody('bounded', 300, 1);
    for (let i = 0; i < 1010; i++) await postProtobuf(local.otlpHttpUrl, body);
    const stats = local.stats().forward!;
    expect(stats.queued).toBe(1000);
    expect(stats.dropped).toBe(10);
    expect(stats.queuedBytes).toBe(1000 * body.length);
    expect((await getJson(`${local.apiUrl}/api/health`)).body.storage.spans).toBe(1010);
  });
});

describe('--forward http:// (in-process servers)', () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('posts gzip-compressed protobuf with the configured headers to <url>/v1/<signal>', async () => {
    const upstream = await startTestServer({ token: 'up-token' });
    cleanups.push(upstream.cleanup);
    const local = await startTestServer({
      forward: `${upstream.otlpHttpUrl}/`,
      forwardHeaders: { authorization: 'Bearer up-token' },
      forwardCompression: 'gzip',
    });
    cleanups.push(local.cleanup);
    expect(await postProtobuf(local.otlpHttpUrl, protobufBody('http-gzip', 700, 4))).toBe(200);
    await eventually(async () => (local.stats().forward!.sent === 1 ? true : undefined), 5000, 'sent: 1');
    const health = await getJson(`${upstream.apiUrl}/api/health`, { headers: { authorization: 'Bearer up-token' } });
    expect(health.body.storage.spans).toBe(4);
  });

  it('warns when an http:// URL points at the OTLP/gRPC port 4317', async () => {
    const warnings: string[] = [];
    const local = await startTestServer({ forward: 'http://127.0.0.1:4317', onWarning: (m) => warnings.push(m) });
    cleanups.push(local.cleanup);
    expect(warnings).toContain(
      '--forward http://127.0.0.1:4317 posts OTLP/HTTP to port 4317, the usual OTLP/gRPC port; for gRPC write grpc://127.0.0.1:4317',
    );
  });
});

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const buildProblem = ensureCliBuilt();
if (buildProblem) console.warn(`skipped: ${buildProblem}`);

describe.skipIf(buildProblem !== undefined)('sightline up --forward grpc:// between two real processes', () => {
  const tmp = tempDir();
  afterAll(() => {
    killUpProcesses();
    tmp.cleanup();
  });

  it('a trace sent by the OTel gRPC exporter to the first arrives at the second (token via SIGHTLINE_FORWARD_HEADERS, gzip)', async () => {
    const upstream = await up(['--data-dir', `${tmp.dir}/upstream`, '--token', 's3cret', ...EPHEMERAL_PORTS]);
    const grpcAddress = upstream.urls.grpc.replace('http://', 'grpc://');
    const local = await up(['--data-dir', `${tmp.dir}/local`, '--forward', grpcAddress, ...EPHEMERAL_PORTS], {
      env: { SIGHTLINE_FORWARD_HEADERS: 'authorization=Bearer%20s3cret', SIGHTLINE_FORWARD_COMPRESSION: 'gzip' },
    });
    expect(local.stdout()).toContain(`forwarding  ${grpcAddress}`);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'teed' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: local.urls.grpc }))],
    });
    const span = provider.getTracer('t').startSpan('GET /teed');
    span.end();
    await provider.shutdown();
    const id = span.spanContext().traceId;
    const auth = { headers: { authorization: 'Bearer s3cret' } };
    const trace = await eventually(
      async () => {
        const r = await getJson(`${upstream.urls.api}/api/traces/${id}`, auth);
        return r.status === 200 ? r.body : undefined;
      },
      10_000,
      'the trace at the upstream',
    );
    expect(trace.resourceSpans[0].scopeSpans[0].spans[0].name).toBe('GET /teed');
    expect((await getJson(`${local.urls.api}/api/traces/${id}`)).status).toBe(200);
    expect(local.stderr()).toBe('');
    expect(await local.stop()).toBe(0);
    expect(await upstream.stop()).toBe(0);
  });

  it('keeps batches while the upstream is down and delivers them once it is up', async () => {
    const port = await freePort();
    const local = await up([
      '--data-dir',
      `${tmp.dir}/local-wait`,
      '--forward',
      `grpc://127.0.0.1:${port}`,
      ...EPHEMERAL_PORTS,
    ]);
    expect(await postProtobuf(local.urls.http, protobufBody('late', 500, 7))).toBe(200);
    // bodies of 32 KiB and more are decoded on worker threads by the built server: they are forwarded all the same
    const large = protobufBody('late', 10_000, 1000);
    expect(large.length).toBeGreaterThan(32 * 1024);
    expect(await postProtobuf(local.urls.http, large)).toBe(200);
    const json = await postJson(local.urls.http, '/v1/traces', tracesRequest('late-json', spans(20_000, 500)));
    expect(json.status).toBe(200);
    await eventually(async () => (/UNAVAILABLE/.test(local.stderr()) ? true : undefined), 10_000, 'the warning');
    expect(local.stderr()).toMatch(/warning: forward: grpc:\/\/127\.0\.0\.1:\d+ .*UNAVAILABLE.*retrying/);
    const upstream = await up([
      '--data-dir',
      `${tmp.dir}/upstream-late`,
      '--otlp-grpc-port',
      String(port),
      '--otlp-http-port',
      '0',
      '--port',
      '0',
    ]);
    const spansUp = await eventually(
      async () => {
        const { body } = await getJson(`${upstream.urls.api}/api/health`);
        return body.storage.spans >= 1507 ? body.storage.spans : undefined;
      },
      15_000,
      'delivery after the upstream came up',
    );
    expect(spansUp).toBe(1507);
    for (const n of [503, 10_999, 20_499])
      expect((await getJson(`${upstream.urls.api}/api/traces/${traceId(n)}`)).status).toBe(200);
    expect(await local.stop()).toBe(0);
    expect(await upstream.stop()).toBe(0);
  });

  it.skipIf(!opensslAvailable())(
    'forwards over TLS to a grpcs:// upstream whose CA is given in GRPC_DEFAULT_SSL_ROOTS_FILE_PATH, by name and by IP address',
    async () => {
      const certFile = join(tmp.dir, 'upstream.crt');
      const keyFile = join(tmp.dir, 'upstream.key');
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-addext',
          'subjectAltName=DNS:localhost,IP:127.0.0.1',
          '-keyout',
          keyFile,
          '-out',
          certFile,
        ],
        { stdio: 'pipe' },
      );
      const receiver = await grpcReceiver(
        [],
        grpc.ServerCredentials.createSsl(null, [
          { private_key: readFileSync(keyFile), cert_chain: readFileSync(certFile) },
        ]),
        'localhost',
      );
      try {
        const local = await up(
          ['--data-dir', `${tmp.dir}/local-tls`, '--forward', `grpcs://localhost:${receiver.port}`, ...EPHEMERAL_PORTS],
          { env: { GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: certFile } },
        );
        const body = protobufBody('tls', 900, 3);
        expect(await postProtobuf(local.urls.http, body)).toBe(200);
        const got = await eventually(async () => receiver.received[0], 10_000, 'the call over TLS');
        expect(got.body.equals(body)).toBe(true);
        expect(await local.stop()).toBe(0);
        expect(local.stderr()).toBe('');
        // By address: no TLS server name may be sent for it (Node 20-24 print DEP0123, Node 26 refuses to connect).
        const byAddress = await up(
          [
            '--data-dir',
            `${tmp.dir}/local-tls-ip`,
            '--forward',
            `grpcs://127.0.0.1:${receiver.port}`,
            ...EPHEMERAL_PORTS,
          ],
          { env: { GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: certFile } },
        );
        const second = protobufBody('tls-ip', 901, 3);
        expect(await postProtobuf(byAddress.urls.http, second)).toBe(200);
        const gotByAddress = await eventually(async () => receiver.received[1], 10_000, 'the call over TLS by address');
        expect(gotByAddress.body.equals(second)).toBe(true);
        expect(await byAddress.stop()).toBe(0);
        expect(byAddress.stderr()).toBe('');
      } finally {
        await receiver.close();
      }
    },
  );

  it.each([
    ['ftp://alloy:4317', 'has the scheme ftp'],
    ['grpc://alloy:4317/v1/traces', 'has a path, which OTLP/gRPC does not use'],
    ['alloy:4317', 'has the scheme alloy'],
    ['not a url', 'is not a URL'],
  ])('refuses --forward %s with a message naming the flag, exit 2', async (value, why) => {
    const proc = await up(['--data-dir', `${tmp.dir}/bad`, '--forward', value, ...EPHEMERAL_PORTS], {
      expectStart: false,
    });
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toContain(
      `error SIGHTLINE_ERR_INVALID_FORWARD_URL: --forward "${value}" ${why}; use grpc://host:4317`,
    );
  });

  it('refuses a malformed SIGHTLINE_FORWARD_HEADERS, naming the variable, exit 2', async () => {
    const proc = await up(
      ['--data-dir', `${tmp.dir}/bad-headers`, '--forward', 'grpc://127.0.0.1:4317', ...EPHEMERAL_PORTS],
      {
        expectStart: false,
        env: { SIGHTLINE_FORWARD_HEADERS: 'authorization' },
      },
    );
    expect(await proc.exit).toBe(2);
    expect(proc.stderr()).toContain(
      'error SIGHTLINE_ERR_INVALID_FORWARD_HEADERS: SIGHTLINE_FORWARD_HEADERS: "authorization" is not key=value',
    );
  });
});
