import { createServer, type Server } from 'node:net';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, tempDir } from './helpers.js';
import { postJson, spanId, traceId, tracesRequest } from './otlp-fixtures.js';
import { EPHEMERAL_PORTS as EPHEMERAL, ensureCliBuilt, killUpProcesses, up } from './up-process.js';

const buildProblem = ensureCliBuilt();
if (buildProblem) console.warn(`skipped: ${buildProblem}`);
afterAll(killUpProcesses);

describe.skipIf(buildProblem !== undefined)('sightline up as a process', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeAll(() => {
    tmp = tempDir();
  });
  afterAll(() => tmp?.cleanup());

  it('prints every endpoint, receives from the OTel gRPC exporter and stops cleanly on SIGTERM', async () => {
    const proc = await up(['--data-dir', `${tmp.dir}/clean`, ...EPHEMERAL]);
    expect(proc.stdout()).toMatch(/OTLP gRPC\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(proc.stdout()).toMatch(/OTLP HTTP\s+http:\/\/127\.0\.0\.1:\d+/);
    expect(proc.stdout()).toMatch(/UI \+ API\s+http:\/\/127\.0\.0\.1:\d+/);
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'proc' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: proc.urls.grpc }))],
    });
    const span = provider.getTracer('t').startSpan('hello');
    span.end();
    await provider.forceFlush();
    await provider.shutdown();
    const trace = await getJson(`${proc.urls.api}/api/traces/${span.spanContext().traceId}`);
    expect(trace.status).toBe(200);
    // a large body (decoded on a worker thread by the built server) keeps its validation errors
    const many = Array.from({ length: 300 }, (_, i) => ({
      traceId: traceId(i + 1),
      spanId: spanId(i + 1),
      name: 'x'.repeat(100),
      kind: 2,
      startMs: Date.now(),
      durationMs: 1,
    }));
    many[299]!.spanId = '0'.repeat(16);
    const bad = await postJson(proc.urls.http, '/v1/traces', tracesRequest('proc', many));
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).error.message).toBe(
      'resourceSpans[0].scopeSpans[0].spans[299].spanId is all zeros, which OTLP defines as invalid',
    );
    many[299]!.spanId = spanId(300);
    expect((await postJson(proc.urls.http, '/v1/traces', tracesRequest('proc', many))).status).toBe(200);
    const page = await fetch(`${proc.urls.api}/`);
    expect(page.headers.get('content-type')).toContain('text/html');
    proc.child.kill('SIGTERM');
    expect(await proc.exit).toBe(0);
    expect(proc.stdout()).toContain('stopped');
  });

  it('names the flag to change when a port is in use and exits 2', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const proc = await up(
        ['--data-dir', `${tmp.dir}/busy`, '--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', String(port)],
        { expectStart: false },
      );
      expect(await proc.exit).toBe(2);
      expect(proc.stderr()).toContain(`error SIGHTLINE_ERR_PORT_IN_USE: port ${port} on 127.0.0.1 is already in use`);
      expect(proc.stderr()).toContain('--otlp-http-port');
    } finally {
      blocker.close();
    }
  });

  it('refuses a second sightline up on the same data dir, naming the problem, and exits 2', async () => {
    const dataDir = `${tmp.dir}/shared`;
    const first = await up(['--data-dir', dataDir, ...EPHEMERAL]);
    const second = await up(['--data-dir', dataDir, ...EPHEMERAL], { expectStart: false });
    expect(await second.exit).toBe(2);
    expect(second.stderr()).toContain('error SIGHTLINE_ERR_STORE_LOCKED: data dir');
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
  });

  it('keeps every acknowledged span after SIGKILL mid-ingest, and the file reopens cleanly', async () => {
    const dataDir = `${tmp.dir}/durable`;
    const proc = await up(['--data-dir', dataDir, ...EPHEMERAL]);
    const acked: string[] = [];
    let batch = 0;
    let stop = false;
    const sender = async () => {
      while (!stop) {
        const b = batch++;
        const now = Date.now();
        const spans = Array.from({ length: 100 }, (_, i) => ({
          traceId: traceId(b * 1000 + i + 1),
          spanId: spanId(b * 1000 + i + 1),
          name: `b${b}`,
          kind: 2,
          startMs: now,
          durationMs: 1,
        }));
        try {
          const res = await postJson(proc.urls.http, '/v1/traces', tracesRequest('durable', spans));
          if (res.status === 200) acked.push(...spans.map((s) => s.spanId));
        } catch {
          return; // the process is gone
        }
      }
    };
    const senders = Array.from({ length: 4 }, sender);
    while (acked.length < 3000) await new Promise((r) => setTimeout(r, 10));
    proc.child.kill('SIGKILL');
    stop = true;
    await Promise.all(senders);
    expect(await proc.exit).toBeNull(); // killed by signal

    const again = await up(['--data-dir', dataDir, ...EPHEMERAL]);
    const stored = new Set<string>();
    let cursor: string | null = null;
    do {
      const { body }: { body: any } = await getJson(
        `${again.urls.api}/api/spans?from=now-1h&limit=100000${cursor ? `&cursor=${cursor}` : ''}`,
      );
      for (const s of body.spans) stored.add(s.spanId);
      cursor = body.nextCursor;
    } while (cursor);
    const missing = acked.filter((id) => !stored.has(id));
    expect(missing).toEqual([]);
    expect(stored.size).toBeGreaterThanOrEqual(acked.length);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  });

  it('commits in-flight batches on SIGTERM before exiting 0', async () => {
    const dataDir = `${tmp.dir}/graceful`;
    const proc = await up(['--data-dir', dataDir, ...EPHEMERAL]);
    const now = Date.now();
    const requests = Array.from({ length: 20 }, (_, b) =>
      postJson(
        proc.urls.http,
        '/v1/traces',
        tracesRequest(
          'graceful',
          Array.from({ length: 200 }, (_, i) => ({
            traceId: traceId(b * 1000 + i + 1),
            spanId: spanId(b * 1000 + i + 1),
            name: 'g',
            kind: 2,
            startMs: now,
            durationMs: 1,
          })),
        ),
      ).then(
        (r) => r.status,
        () => 0,
      ),
    );
    await new Promise((r) => setTimeout(r, 30));
    proc.child.kill('SIGTERM');
    const statuses = await Promise.all(requests);
    expect(await proc.exit).toBe(0);
    const acknowledged = statuses.filter((s) => s === 200).length;
    const again = await up(['--data-dir', dataDir, ...EPHEMERAL]);
    const { body } = await getJson(`${again.urls.api}/api/health`);
    expect(body.storage.spans).toBeGreaterThanOrEqual(acknowledged * 200);
    again.child.kill('SIGTERM');
    expect(await again.exit).toBe(0);
  });
});
