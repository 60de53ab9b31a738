// How our OTLP exporters behave when the collector misbehaves: retryable answers (HTTP 429/502/503/504 with or
// without Retry-After, gRPC UNAVAILABLE, RESOURCE_EXHAUSTED with RetryInfo) are retried within the export timeout,
// permanent ones are not, a dead or silent collector fails the batch in time. Real servers on real sockets.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttp2Server, type Http2Server } from 'node:http2';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as grpc from '@grpc/grpc-js';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, describe, expect, it } from 'vitest';
import type { SignalConfig } from '../src/config.js';
import { createOtlpSpanExporter, type OtlpExporter } from '../src/otlp/exporter.js';
import type { RetryPolicy } from '../src/otlp/retry.js';
import { encodeSpans } from '../src/otlp/trace-encoder.js';
import { FIXTURES, otlpEnv, PACKAGE_DIR } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const FAST: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 20, maxBackoffMs: 100 };
const TRACES = '/opentelemetry.proto.collector.trace.v1.TraceService/Export';

function someSpans(): ReadableSpan[] {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'retry-test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('retry');
  for (let i = 0; i < 3; i++) tracer.startSpan(`span ${i}`, { attributes: { i } }).end();
  return memory.getFinishedSpans();
}

function send(exporter: OtlpExporter<ReadableSpan[]>, spans = someSpans()): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  // Last in, first out: exporters close their connections before the servers they talk to stop.
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface HttpCollector {
  url: string;
  requests: Array<{ headers: IncomingMessage['headers']; body: Buffer }>;
}

/** A real HTTP server answering each request with the next handler (the last one repeats). */
async function httpCollector(
  ...answers: Array<(res: ServerResponse) => void>
): Promise<HttpCollector & { server: Server }> {
  const requests: HttpCollector['requests'] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ headers: req.headers, body: Buffer.concat(chunks) });
      const answer = answers[Math.min(requests.length, answers.length) - 1];
      answer?.(res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/traces`, requests, server };
}

const status =
  (code: number, headers: Record<string, string> = {}, body = '') =>
  (res: ServerResponse) =>
    res.writeHead(code, headers).end(body);

function httpConfig(url: string, extra: Partial<SignalConfig> = {}): SignalConfig {
  return {
    exporter: 'otlp',
    protocol: 'http/protobuf',
    url,
    headers: { authorization: 'Bearer t0ken' },
    timeoutMillis: 5000,
    compression: 'none',
    ...extra,
  };
}

function exporterFor(cfg: SignalConfig, policy = FAST): OtlpExporter<ReadableSpan[]> {
  const exporter = createOtlpSpanExporter(cfg, policy);
  cleanups.push(() => exporter.shutdown());
  return exporter;
}

describe('http/protobuf export', () => {
  it('posts the encoded batch with the configured headers, gzip-compressed when asked', async () => {
    const c = await httpCollector(status(200, { 'content-type': 'application/x-protobuf' }));
    const spans = someSpans();
    const exporter = exporterFor(httpConfig(c.url, { compression: 'gzip' }));
    expect(await send(exporter, spans)).toEqual({ code: 0 });
    expect(c.requests).toHaveLength(1);
    const [req] = c.requests;
    expect(req?.headers['content-type']).toBe('application/x-protobuf');
    expect(req?.headers['content-encoding']).toBe('gzip');
    expect(req?.headers.authorization).toBe('Bearer t0ken');
    expect(req?.headers['user-agent']).toMatch(/^sightline-node\/\d+\.\d+\.\d+ \(OTLP exporter; Node\.js /);
    expect(gunzipSync(req?.body as Buffer).equals(Buffer.from(encodeSpans(spans)))).toBe(true);
  });

  it('retries 503 and 502 and succeeds on a later attempt', async () => {
    const c = await httpCollector(status(503, { 'retry-after': '0' }), status(502), status(200));
    expect(await send(exporterFor(httpConfig(c.url)))).toEqual({ code: 0 });
    expect(c.requests).toHaveLength(3);
  });

  it('waits the Retry-After of a 429 before retrying', async () => {
    const c = await httpCollector(status(429, { 'retry-after': '1' }), status(200));
    const t0 = Date.now();
    expect(await send(exporterFor(httpConfig(c.url)))).toEqual({ code: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(950);
    expect(c.requests).toHaveLength(2);
  });

  it('gives up at once when Retry-After is beyond the export timeout', async () => {
    const c = await httpCollector(status(503, { 'retry-after': '30' }));
    const t0 = Date.now();
    const result = await send(exporterFor(httpConfig(c.url, { timeoutMillis: 2000 })));
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(/SIGHTLINE_ERR_SDK_EXPORT_HTTP: .* answered HTTP 503.*export timeout/);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(c.requests).toHaveLength(1);
  });

  it('does not retry a permanent error, and reports what the collector said', async () => {
    const c = await httpCollector(
      status(400, { 'content-type': 'text/plain' }, 'SIGHTLINE_ERR_BAD_OTLP: not protobuf'),
    );
    const result = await send(exporterFor(httpConfig(c.url)));
    expect(result.code).toBe(1);
    expect(result.error?.message).toContain('HTTP 400: SIGHTLINE_ERR_BAD_OTLP: not protobuf');
    expect(c.requests).toHaveLength(1);
  });

  it('stops after the maximum number of attempts', async () => {
    const c = await httpCollector(status(504));
    const result = await send(exporterFor(httpConfig(c.url)));
    expect(result.code).toBe(1);
    expect(result.error?.message).toContain('gave up after 5 attempts');
    expect(c.requests).toHaveLength(5);
  });

  it('fails within the timeout when nothing listens, without an unhandled rejection', async () => {
    const c = await httpCollector(status(200));
    const url = c.url;
    await new Promise<void>((r) => c.server.close(() => r()));
    const rejections: unknown[] = [];
    const onRejection = (e: unknown) => rejections.push(e);
    process.on('unhandledRejection', onRejection);
    const t0 = Date.now();
    const result = await send(exporterFor(httpConfig(url, { timeoutMillis: 1500 })));
    process.off('unhandledRejection', onRejection);
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(/ECONNREFUSED.*is the collector running there\?/);
    expect(Date.now() - t0).toBeLessThan(1500 + 500);
    expect(rejections).toEqual([]);
  });

  it('stops reading an answer that is far larger than any OTLP answer, and fails the batch', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x41);
    const c = await httpCollector((res) => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      // 64 MiB offered; the exporter must give up after its 4 MiB limit instead of buffering it all.
      let left = 64;
      const pump = (): void => {
        while (left > 0) {
          left--;
          if (!res.write(chunk)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.on('error', () => {});
      pump();
    });
    const result = await send(exporterFor(httpConfig(c.url)));
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(/answered with more than 4194304 bytes; is this an OTLP endpoint\?/);
    expect(c.requests).toHaveLength(1);
  });

  it('fails at the timeout when the collector never answers', async () => {
    const c = await httpCollector(() => {});
    const t0 = Date.now();
    const result = await send(exporterFor(httpConfig(c.url, { timeoutMillis: 800 })));
    expect(result.code).toBe(1);
    expect(result.error?.message).toMatch(/SIGHTLINE_ERR_SDK_EXPORT_TIMEOUT/);
    expect(Date.now() - t0).toBeLessThan(800 + 700);
  });
});

type GrpcAnswer = (cb: grpc.sendUnaryData<Buffer>, call: grpc.ServerUnaryCall<Buffer, Buffer>) => void;

/** A real gRPC server with the OTLP trace service, answering each call with the next handler (the last repeats). */
async function grpcCollector(...answers: GrpcAnswer[]) {
  const calls: Array<{ metadata: grpc.Metadata; body: Buffer }> = [];
  const server = new grpc.Server();
  server.addService(
    {
      Export: {
        path: TRACES,
        requestStream: false,
        responseStream: false,
        requestSerialize: (v: Buffer) => v,
        requestDeserialize: (b: Buffer) => b,
        responseSerialize: (v: Buffer) => v,
        responseDeserialize: (b: Buffer) => b,
      },
    },
    {
      Export: (call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
        calls.push({ metadata: call.metadata, body: call.request });
        answers[Math.min(calls.length, answers.length) - 1]?.(cb, call);
      },
    },
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  cleanups.push(() => server.forceShutdown());
  return { url: `http://127.0.0.1:${port}`, calls };
}

const ok: GrpcAnswer = (cb) => cb(null, Buffer.alloc(0));
const fail =
  (code: grpc.status, metadata?: grpc.Metadata): GrpcAnswer =>
  (cb) =>
    cb({ code, details: `failing with ${code}`, metadata });

/** grpc-status-details-bin: google.rpc.Status { details: [Any { RetryInfo { retry_delay: 0.2 s } }] }. */
function retryInfoMetadata(): grpc.Metadata {
  const field = (tag: number, bytes: Buffer) => Buffer.concat([Buffer.from([tag, bytes.length]), bytes]);
  const duration = Buffer.from([0x10, ...[0x80, 0x84, 0xaf, 0x5f]]); // nanos = 200,000,000
  const retryInfo = field(0x0a, duration);
  const any = Buffer.concat([
    field(0x0a, Buffer.from('type.googleapis.com/google.rpc.RetryInfo')),
    field(0x12, retryInfo),
  ]);
  const statusBytes = Buffer.concat([Buffer.from([0x08, 8]), field(0x1a, any)]);
  const md = new grpc.Metadata();
  md.set('grpc-status-details-bin', statusBytes);
  return md;
}

function grpcConfig(url: string, extra: Partial<SignalConfig> = {}): SignalConfig {
  return {
    exporter: 'otlp',
    protocol: 'grpc',
    url,
    headers: { 'x-tenant': 'north' },
    timeoutMillis: 5000,
    compression: 'none',
    ...extra,
  };
}

describe('gRPC export', () => {
  it('sends the encoded batch as the Export message with headers as metadata', async () => {
    const c = await grpcCollector(ok);
    const spans = someSpans();
    expect(await send(exporterFor(grpcConfig(c.url)), spans)).toEqual({ code: 0 });
    expect(c.calls[0]?.metadata.get('x-tenant')).toEqual(['north']);
    expect(String(c.calls[0]?.metadata.get('user-agent')[0])).toMatch(/^sightline-node\/\d+\.\d+\.\d+ /);
    expect(c.calls[0]?.body.equals(Buffer.from(encodeSpans(spans)))).toBe(true);
  });

  it('retries UNAVAILABLE and succeeds', async () => {
    const c = await grpcCollector(fail(grpc.status.UNAVAILABLE), fail(grpc.status.UNAVAILABLE), ok);
    expect(await send(exporterFor(grpcConfig(c.url)))).toEqual({ code: 0 });
    expect(c.calls).toHaveLength(3);
  });

  it('retries RESOURCE_EXHAUSTED only when the server sends RetryInfo, after the delay it asks for', async () => {
    const plain = await grpcCollector(fail(grpc.status.RESOURCE_EXHAUSTED), ok);
    expect((await send(exporterFor(grpcConfig(plain.url)))).code).toBe(1);
    expect(plain.calls).toHaveLength(1);

    const withInfo = await grpcCollector(fail(grpc.status.RESOURCE_EXHAUSTED, retryInfoMetadata()), ok);
    const t0 = Date.now();
    expect(await send(exporterFor(grpcConfig(withInfo.url)))).toEqual({ code: 0 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(190);
    expect(withInfo.calls).toHaveLength(2);
  });

  it('does not retry INVALID_ARGUMENT', async () => {
    const c = await grpcCollector(fail(grpc.status.INVALID_ARGUMENT));
    const result = await send(exporterFor(grpcConfig(c.url)));
    expect(result.error?.message).toMatch(/SIGHTLINE_ERR_SDK_EXPORT_GRPC: .*code 3: failing with 3/);
    expect(c.calls).toHaveLength(1);
  });

  it('fails within the timeout when nothing listens', async () => {
    const t0 = Date.now();
    const result = await send(exporterFor(grpcConfig('http://127.0.0.1:1', { timeoutMillis: 1500 })));
    expect(result.code).toBe(1);
    expect(Date.now() - t0).toBeLessThan(1500 + 500);
  });

  it('compresses messages with gzip when asked (grpc-encoding: gzip, compressed-flag set)', async () => {
    const server: Http2Server = createHttp2Server();
    const seen: Array<{ encoding: unknown; compressedFlag: number | undefined }> = [];
    server.on('stream', (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        seen.push({ encoding: headers['grpc-encoding'], compressedFlag: Buffer.concat(chunks)[0] });
        stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
        stream.on('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
        stream.end(Buffer.from([0, 0, 0, 0, 0]));
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    expect(await send(exporterFor(grpcConfig(url, { compression: 'gzip' })))).toEqual({ code: 0 });
    expect(seen).toEqual([{ encoding: 'gzip', compressedFlag: 1 }]);
  });
});

describe('an exporting process', () => {
  async function runFixture(env: Record<string, string>): Promise<Array<Record<string, number>>> {
    return new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        [join(FIXTURES, 'export-then-exit.cjs')],
        { cwd: PACKAGE_DIR, env: { ...process.env, ...env }, timeout: 15_000 },
        (err, stdout, stderr) => {
          if (err) reject(new Error(`${err.message}; stderr: ${stderr}`));
          else
            resolve(
              stdout
                .trim()
                .split('\n')
                .map((l) => JSON.parse(l) as Record<string, number>),
            );
        },
      );
    });
  }

  it.each(['http/protobuf', 'grpc'])(
    'exits by itself after a %s export (idle connections do not hold it)',
    async (protocol) => {
      const receiver = new OtlpReceiver();
      cleanups.push(() => receiver.stop());
      const url =
        protocol === 'grpc'
          ? `http://127.0.0.1:${await receiver.startGrpc()}`
          : `http://127.0.0.1:${await receiver.startHttp()}/v1/traces`;
      const [exported, exited] = await runFixture({ EXPORT_PROTOCOL: protocol, EXPORT_URL: url });
      expect(exported?.code).toBe(0);
      expect(receiver.spans.map((s) => s.name)).toEqual(['one span']);
      expect((exited?.exitAt ?? Number.POSITIVE_INFINITY) - (exported?.at ?? 0)).toBeLessThan(1000);
    },
  );

  it('exits by itself while retries against a dead collector are pending', async () => {
    const t0 = Date.now();
    const lines = await runFixture({
      EXPORT_PROTOCOL: 'http/protobuf',
      EXPORT_URL: 'http://127.0.0.1:1/v1/traces',
      EXPORT_TIMEOUT: '20000',
    });
    expect(lines.at(-1)?.exitAt).toBeDefined();
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('an app using @sightline/node', () => {
  it.each(['grpc', 'http/protobuf', 'http/json'] as const)(
    'exports spans, logs and metrics over %s with our exporters only (no official OTLP exporter code loaded)',
    async (protocol) => {
      const receiver = new OtlpReceiver();
      cleanups.push(() => receiver.stop());
      const port = protocol === 'grpc' ? await receiver.startGrpc() : await receiver.startHttp();
      const stdout = await new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          [join(FIXTURES, 'own-exporters-app.cjs')],
          {
            cwd: PACKAGE_DIR,
            env: { ...process.env, ...otlpEnv(protocol, port), NODE_ENV: 'production' },
            timeout: 20_000,
          },
          (err, out, stderr) => (err ? reject(new Error(`${err.message}; stderr: ${stderr}`)) : resolve(out)),
        ),
      );
      const report = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
      expect(report).toEqual({ own: true, officialExporters: 0, otlpTransformer: false });
      expect(receiver.spans.map((s) => s.name)).toContain('one-unit-of-work');
      expect(receiver.logs.map((l) => l.body)).toContain('working');
      expect(receiver.metrics.map((m) => m.name)).toContain('work.done');
      expect(receiver.requests.every((r) => r.transport === (protocol === 'grpc' ? 'grpc' : 'http'))).toBe(true);
    },
  );
});
