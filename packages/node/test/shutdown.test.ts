import { afterAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;

/** Keeps `workers` request loops running until stopped; returns the paths whose responses arrived. */
function load(app: AppProcess, workers: number) {
  const completed: string[] = [];
  let running = true;
  let n = 0;
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      const path = `/orders/${n++}`;
      try {
        const res = await fetch(`${app.base}${path}`);
        await res.text();
        if (res.ok) completed.push(path);
      } catch {
        return; // the app went away
      }
    }
  });
  return {
    completed,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
}

// http/protobuf encodes spans as they end, http/json batches span objects: both must flush everything on SIGTERM.
describe.each([
  ['the SDK handles SIGTERM alone', undefined, 'http/protobuf'],
  ['the app has its own SIGTERM handler that calls process.exit()', '1', 'http/json'],
] as const)('SIGTERM during load when %s', (_title, ownSigterm, protocol) => {
  const receiver = new OtlpReceiver();
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('delivers a span for every request that was answered before the signal, then exits', async () => {
    const port = await receiver.startHttp();
    // A long batch delay: without the flush on SIGTERM, nothing would have been exported yet.
    app = await startApp('express-app.mjs', {
      env: { ...otlpEnv(protocol, port), OWN_SIGTERM: ownSigterm, OTEL_BSP_SCHEDULE_DELAY: '60000' },
    });
    const traffic = load(app, 8);
    await new Promise((r) => setTimeout(r, 1500));
    const answeredBeforeSignal = [...traffic.completed];
    const t0 = Date.now();
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    await traffic.stop();
    // bounded by the 5 s shutdown deadline (plus scheduling slack on a busy machine)
    expect(Date.now() - t0).toBeLessThan(8000);
    expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(answeredBeforeSignal.length).toBeGreaterThan(20);
    const received = new Set(receiver.spans.filter((s) => s.kind === SERVER).map((s) => s.attributes['url.path']));
    const missing = answeredBeforeSignal.filter((p) => !received.has(p));
    expect(missing).toEqual([]);
  });
});

describe('SIGTERM while the app drains on its own handler (keeps serving, then exits with process.exitCode = 3)', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('records the requests answered during the drain too, and keeps the exit code', async () => {
    const port = await receiver.startHttp();
    app = await startApp('express-app.mjs', {
      env: { ...otlpEnv('http/protobuf', port), OWN_SIGTERM: 'drain', OTEL_BSP_SCHEDULE_DELAY: '60000' },
    });
    const traffic = load(app, 4);
    await new Promise((r) => setTimeout(r, 500));
    const beforeSignal = traffic.completed.length;
    app.child.kill('SIGTERM');
    const exit = await app.exited;
    await traffic.stop();
    expect(exit.code).toBe(3);
    const answeredDuringDrain = traffic.completed.length - beforeSignal;
    expect(answeredDuringDrain).toBeGreaterThan(5);
    const received = new Set(receiver.spans.filter((s) => s.kind === SERVER).map((s) => s.attributes['url.path']));
    expect(traffic.completed.filter((p) => !received.has(p))).toEqual([]);
    const logged = new Set(receiver.logs.filter((l) => l.body === 'loading order').map((l) => l.attributes.order));
    expect(traffic.completed.filter((p) => !logged.has(p.replace('/orders/', '')))).toEqual([]);
  });
});

describe('a script that simply ends', () => {
  it('delivers what it recorded and exits, or exits at the shutdown deadline when the collector is down', async () => {
    const { spawn } = await import('node:child_process');
    const { PACKAGE_DIR } = await import('./support/app-process.js');
    const receiver = new OtlpReceiver();
    const port = await receiver.startHttp();
    const script = "const { withSpan } = require('@sightline/node'); withSpan('batch-job', () => 1);";
    const run = (env: Record<string, string>) =>
      new Promise<number>((resolve) => {
        const t0 = Date.now();
        const child = spawn(process.execPath, ['--require', '@sightline/node/register', '-e', script], {
          cwd: PACKAGE_DIR,
          env: { ...process.env, OTEL_SERVICE_NAME: 'script', ...env },
          stdio: 'ignore',
        });
        child.once('exit', () => resolve(Date.now() - t0));
      });
    await run(otlpEnv('http/json', port));
    expect(receiver.spans.some((s) => s.name === 'batch-job')).toBe(true);
    await receiver.stop();
    // nothing listens on this port any more: the exit waits for the 1 s deadline at most (plus process start-up)
    const elapsed = await run({ ...otlpEnv('grpc', port), SIGHTLINE_SHUTDOWN_TIMEOUT: '1000' });
    expect(elapsed).toBeLessThan(6000);
  });
});

describe('SIGTERM right after start-up, before the metrics SDK has loaded', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess | undefined;
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('still delivers http.server.request.duration counting every answered request', async () => {
    const port = await receiver.startHttp();
    // A CommonJS app that creates no instrument (nor loads an official instrumentation, which would): the metrics SDK
    // is due a second after start, and no periodic export runs before the signal, so only the flush can deliver.
    app = await startApp('fastify-app.cjs', {
      flag: '--require',
      env: { ...otlpEnv('http/json', port), OTEL_METRIC_EXPORT_INTERVAL: '60000' },
    });
    for (let i = 0; i < 5; i++) await (await fetch(`${app.base}/api/items/${i}`)).text();
    app.child.kill('SIGTERM');
    await app.exited;
    const points = receiver.metrics
      .filter((m) => m.name === 'http.server.request.duration')
      .flatMap((m) => m.points)
      .filter((p) => p.attributes['http.route'] === '/api/items/:id');
    expect(points.reduce((n, p) => n + (p.count ?? 0), 0)).toBe(5);
  });
});
