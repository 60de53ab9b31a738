// Fastify's own logger (`logger: true`, request.log) on an HTTPS server: the pino instance Fastify creates gets the
// request span's ids in every line it writes during the request, on stdout and as OTLP log records.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;

function openssl(args: string[]): boolean {
  try {
    execFileSync('openssl', args, { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}
const hasOpenssl = openssl(['version']);
if (!hasOpenssl)
  console.warn('skipped: fastify-logger.test.ts needs openssl to make a certificate for its HTTPS server');

function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get(url, { ca }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe.skipIf(!hasOpenssl)("a Fastify app logging through Fastify's own logger, over HTTPS", () => {
  const receiver = new OtlpReceiver();
  const dir = mkdtempSync(join(tmpdir(), 'sightline-fastify-tls-'));
  let app: AppProcess;

  beforeAll(async () => {
    const [key, cert] = [join(dir, 'server.key'), join(dir, 'server.crt')];
    openssl(
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1'].concat([
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-days',
        '1',
      ]),
    );
    const port = await receiver.startHttp();
    app = await startApp('fastify-logger-app.cjs', {
      flag: '--require',
      env: { ...otlpEnv('http/protobuf', port), TLS_KEY: key, TLS_CERT: cert, OTEL_BLRP_SCHEDULE_DELAY: '200' },
    });
    const res = await httpsGet(`https://127.0.0.1:${app.port}/items/7`, readFileSync(cert));
    expect(res).toEqual({ status: 200, body: '{"id":"7"}' });
    await receiver.waitFor(
      () => receiver.spans.some((s) => s.kind === SERVER) && receiver.logs.some((l) => l.body === 'request completed'),
      15_000,
      'the request span and its log records',
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('traces the HTTPS request', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER);
    expect(span).toMatchObject({
      name: 'GET /items/:id',
      attributes: { 'url.scheme': 'https', 'http.route': '/items/:id', 'server.port': app.port },
    });
  });

  it("puts the request span's ids in every line Fastify's logger writes during the request, and none outside", () => {
    const span = receiver.spans.find((s) => s.kind === SERVER);
    const messages = ['incoming request', 'loading item', 'request completed'];
    for (const msg of messages) {
      expect(
        app.lines.find((l) => l.msg === msg),
        msg,
      ).toMatchObject({
        trace_id: span?.traceId,
        span_id: span?.spanId,
        reqId: 'req-1',
      });
      expect(
        receiver.logs.find((l) => l.body === msg),
        msg,
      ).toMatchObject({ traceId: span?.traceId, spanId: span?.spanId });
    }
    const outside = app.lines.find((l) => l.msg === 'ready for requests');
    expect(outside).toBeDefined();
    expect(outside).not.toHaveProperty('trace_id');
  });
});
