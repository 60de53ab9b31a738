import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as { port: number };
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

const rssMiB = (pid: number): number =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;

describe('the collector is down for the first 10 s', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('keeps serving with bounded memory, counts drops, and resumes exporting when the collector returns', async () => {
    const port = await freePort();
    app = await startApp('express-app.mjs', {
      env: {
        ...otlpEnv('http/protobuf', port),
        OTEL_BSP_SCHEDULE_DELAY: '200',
        OTEL_BLRP_SCHEDULE_DELAY: '200',
        OTEL_EXPORTER_OTLP_TIMEOUT: '1000',
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --expose-gc`,
      },
    });
    const pid = app.child.pid as number;
    const rssStart = rssMiB(pid);
    const started = Date.now();
    let ok = 0;
    let failed = 0;
    const latencies: number[] = [];
    let n = 0;
    const base = app.base;
    // Heap in use after a full GC once the app is warm: from then on it must stay flat. (RSS follows V8's lazy heap
    // sizing and the machine's load, so it only gets a coarse bound below.)
    const heapAfterGcMiB = async (): Promise<number> => {
      const heap = (await (await fetch(`${base}/health/heap`)).json()) as { heapUsed: number; gc: boolean };
      expect(heap.gc).toBe(true);
      return heap.heapUsed / 1024 / 1024;
    };
    let heapWarm: Promise<number> | undefined;
    const warmTimer = setTimeout(() => {
      heapWarm = heapAfterGcMiB();
    }, 4_000);
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (Date.now() - started < 10_000) {
          const t = Date.now();
          const res = await fetch(`${base}/orders/down-${n++}`);
          await res.text();
          latencies.push(Date.now() - t);
          if (res.ok) ok++;
          else failed++;
        }
      }),
    );
    clearTimeout(warmTimer);
    const rssAfter = rssMiB(pid);
    const heapGrowth = (await heapAfterGcMiB()) - (await (heapWarm as Promise<number>));
    expect(failed).toBe(0);
    expect(ok).toBeGreaterThan(200);
    // Serving normally: the typical request is fast (a shared 2-core CI box makes single outliers meaningless).
    latencies.sort((a, b) => a - b);
    expect(latencies[Math.floor(latencies.length / 2)]).toBeLessThan(100);
    // Queues are bounded (2048 spans, 2048 logs): memory does not grow with the traffic that could not be sent.
    // Each request here makes 2 spans and 3 log records; 6 s of them kept in an unbounded queue is tens of MiB.
    expect(heapGrowth).toBeLessThan(8);
    expect(rssAfter - rssStart).toBeLessThan(160);
    expect(app.stderr()).toContain('SIGHTLINE_ERR_SDK_DROPPED');
    expect(app.stderr()).not.toMatch(/Unhandled|uncaught/i);

    await receiver.startHttp(port);
    // The span queue is still full of the outage's backlog when the collector returns, and a full queue drops the
    // newest span: keep making requests until one made after the return arrives (telemetry resumes).
    let probes = 0;
    const arrived = () =>
      receiver.spans.some(
        (s) => s.kind === SERVER && String(s.attributes['url.path']).startsWith('/orders/after-recovery-'),
      );
    const prober = setInterval(() => {
      void fetch(`${base}/orders/after-recovery-${probes++}`).then(
        (res) => res.text(),
        () => undefined,
      );
    }, 250);
    try {
      await receiver.waitFor(arrived, 20_000, 'the span of a request made after the collector came back');
    } finally {
      clearInterval(prober);
    }
    await receiver.waitFor(
      () =>
        receiver.metrics.some((m) => m.name === 'sightline.sdk.dropped' && m.points.some((p) => (p.value ?? 0) > 0)),
      20_000,
      'sightline.sdk.dropped > 0',
    );
    const dropped = receiver.metrics.findLast((m) => m.name === 'sightline.sdk.dropped');
    expect(dropped?.points.map((p) => p.attributes.signal).sort()).toEqual(['logs', 'metrics', 'traces']);
  }, 60_000);
});
