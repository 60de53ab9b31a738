// TLS for our exporters: a collector with a private certificate that also demands a client certificate (mutual TLS),
// over https (http/protobuf) and gRPC; the PEM files come from OTEL_EXPORTER_OTLP_[SIGNAL_]CERTIFICATE, _CLIENT_KEY
// and _CLIENT_CERTIFICATE (resolved by config.ts into SignalConfig.tls).
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import type { ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { createOtlpSpanExporter } from '../src/otlp/exporter.js';

function opensslAvailable(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sightline-node-tls-'));
const pem = (name: string) => join(dir, name);

function selfSigned(name: string, cn: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      pem(`${name}.key`),
      '-out',
      pem(`${name}.crt`),
      '-subj',
      `/CN=${cn}`,
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-days',
      '1',
    ],
    { stdio: 'pipe' },
  );
}

function oneSpan() {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  provider.getTracer('tls').startSpan('over tls').end();
  return memory.getFinishedSpans();
}

function tlsEnv(endpoint: string, protocol: string, withClientCert = true): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE: pem('server.crt'),
    ...(withClientCert
      ? { OTEL_EXPORTER_OTLP_CLIENT_KEY: pem('client.key'), OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: pem('client.crt') }
      : {}),
  };
}

async function exportWith(env: Record<string, string>): Promise<ExportResult> {
  const cfg = resolveConfig({}, env).traces;
  const exporter = createOtlpSpanExporter(cfg, { maxAttempts: 1, initialBackoffMs: 10, maxBackoffMs: 10 });
  try {
    return await new Promise((resolve) => exporter.export(oneSpan(), resolve));
  } finally {
    await exporter.shutdown();
  }
}

describe.skipIf(!opensslAvailable())('exporting to a collector with a private certificate and mutual TLS', () => {
  const stops: Array<() => void> = [];
  let httpsUrl = '';
  let grpcUrl = '';
  const received: string[] = [];

  beforeAll(async () => {
    selfSigned('server', '127.0.0.1');
    selfSigned('client', 'sightline-client');
    const https = createServer(
      {
        key: readFileSync(pem('server.key')),
        cert: readFileSync(pem('server.crt')),
        ca: readFileSync(pem('client.crt')),
        requestCert: true,
        rejectUnauthorized: true,
      },
      (req, res) => {
        req.resume();
        req.on('end', () => {
          received.push(`https ${req.url}`);
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        });
      },
    );
    https.listen(0, '127.0.0.1');
    await once(https, 'listening');
    httpsUrl = `https://127.0.0.1:${(https.address() as { port: number }).port}`;
    stops.push(() => {
      https.closeAllConnections();
      https.close();
    });

    const server = new grpc.Server();
    server.addService(
      {
        Export: {
          path: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
          requestStream: false,
          responseStream: false,
          requestSerialize: (v: Buffer) => v,
          requestDeserialize: (b: Buffer) => b,
          responseSerialize: (v: Buffer) => v,
          responseDeserialize: (b: Buffer) => b,
        },
      },
      {
        Export: (_call: grpc.ServerUnaryCall<Buffer, Buffer>, cb: grpc.sendUnaryData<Buffer>) => {
          received.push('grpc');
          cb(null, Buffer.alloc(0));
        },
      },
    );
    const credentials = grpc.ServerCredentials.createSsl(
      readFileSync(pem('client.crt')),
      [{ private_key: readFileSync(pem('server.key')), cert_chain: readFileSync(pem('server.crt')) }],
      true,
    );
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', credentials, (err, p) => (err ? reject(err) : resolve(p))),
    );
    grpcUrl = `https://127.0.0.1:${port}`;
    stops.push(() => server.forceShutdown());
  });
  afterAll(() => {
    for (const stop of stops) stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers over https with the CA and client certificate from the environment', async () => {
    expect(await exportWith(tlsEnv(httpsUrl, 'http/protobuf'))).toEqual({ code: 0 });
    expect(received).toContain('https /v1/traces');
  });

  it('delivers over gRPC with TLS and the client certificate, to an IP address without naming it as the TLS server', async () => {
    // grpc-js would send 127.0.0.1 as the server name: Node 20–24 warn (DEP0123), Node 26 refuses to connect.
    const warnings: string[] = [];
    const onWarning = (warning: Error & { code?: string }) => warnings.push(warning.code ?? warning.name);
    process.on('warning', onWarning);
    try {
      expect(await exportWith(tlsEnv(grpcUrl, 'grpc'))).toEqual({ code: 0 });
    } finally {
      process.off('warning', onWarning);
    }
    expect(received).toContain('grpc');
    expect(warnings).not.toContain('DEP0123');
  });

  it('fails the batch when the collector requires a client certificate and none is configured', async () => {
    const result = await exportWith(tlsEnv(httpsUrl, 'http/protobuf', false));
    expect(result.code).toBe(1);
  });

  it('refuses to start with a clear error when a named file cannot be read', () => {
    const cfg = resolveConfig({}, { ...tlsEnv(httpsUrl, 'http/protobuf'), OTEL_EXPORTER_OTLP_CLIENT_KEY: '/nope.key' });
    expect(() => createOtlpSpanExporter(cfg.traces)).toThrow(/SIGHTLINE_ERR_SDK_TLS_FILE: cannot read \/nope.key/);
  });
});
