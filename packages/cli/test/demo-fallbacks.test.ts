/**
 * `sightline demo` off the happy path: no PostgreSQL or RabbitMQ (in-memory stand-ins, stopped with Ctrl-C),
 * `--duration`, a service that dies, the demo killed. Demos boot one at a time across test files (startDemo).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type DemoProcess,
  demoSkipReason,
  eventually,
  type FlatSpan,
  flattenTrace,
  getJson,
  isRunning,
  startDemo,
} from './demo-harness.js';

interface TraceSummary {
  traceId: string;
  services: string[];
}

const skipReason = await demoSkipReason();
if (skipReason) console.warn(`skipped: sightline demo fallbacks — ${skipReason}`);

/** The demo with nothing installed: `--database memory --queue memory` stands in for a bare machine. */
describe.skipIf(skipReason !== undefined)('sightline demo without PostgreSQL and RabbitMQ', () => {
  let dataDir = '';
  let demo: DemoProcess;
  let apiUrl = '';

  beforeAll(async () => {
    // Created here, not in the describe body: a skipped or filtered suite must leave nothing behind.
    dataDir = mkdtempSync(join(tmpdir(), 'sightline-demo-memory-'));
    const ports = ['--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0'];
    const memory = ['--database', 'memory', '--queue', 'memory'];
    demo = await startDemo([...ports, '--data-dir', dataDir, '--rate', '20', ...memory], /^ready\b/m, 60_000);
    apiUrl = demo.banner().apiUrl;
  }, 120_000);

  afterAll(async () => {
    await demo?.stop('SIGKILL');
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('says it uses the in-memory store and the in-process queue', () => {
    expect(demo.output).toMatch(/database\s+in-memory store/);
    expect(demo.output).toMatch(/queue\s+in-process queue over HTTP/);
  });

  it('continues the trace through the in-process queue and records the store calls as database spans', async () => {
    const spans = await eventually('an order trace reaching worker through the in-process queue', 25_000, async () => {
      const { body } = await getJson<{ traces: TraceSummary[] }>(
        `${apiUrl}/api/traces?service=api&limit=100&from=now-15m`,
      );
      for (const trace of body.traces.filter(
        (t) => t.services.includes('worker') && t.services.includes('inventory'),
      )) {
        const flat = flattenTrace(
          (await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${trace.traceId}`)).body,
        );
        // Each service exports on its own schedule: wait until the spans and their parents have all arrived.
        const hasParent = (span: FlatSpan | undefined) =>
          span !== undefined && flat.some((p) => p.spanId === span.parentSpanId);
        const consumer = flat.find((span) => span.service === 'worker' && span.name.startsWith('process '));
        const query = flat.find((span) => span.service === 'inventory' && span.attributes['db.system.name']);
        if (hasParent(consumer) && hasParent(query)) return flat;
      }
      return undefined;
    });
    const byId = new Map(spans.map((span): [string, FlatSpan] => [span.spanId, span]));
    const consumer = spans.find((span) => span.service === 'worker' && span.name.startsWith('process ')) as FlatSpan;
    expect(consumer.attributes['messaging.system']).toBe('in_process');
    expect(byId.get(consumer.parentSpanId)?.service).toBe('api');
    const query = spans.find((span) => span.service === 'inventory' && span.attributes['db.system.name']) as FlatSpan;
    expect(query.attributes['db.system.name']).toBe('other_sql');
    expect(query.name).toMatch(/^(SELECT|UPDATE) stock$/);
    expect(String(query.attributes['db.query.text'])).toMatch(/^(SELECT|UPDATE) .*stock/);
    expect(byId.get(query.parentSpanId)?.service).toBe('inventory');
  });

  it("stops on Ctrl-C (SIGINT) with exit code 0, keeping the data and the services' JSON logs", async () => {
    const { pids } = demo.banner();
    const exit = await demo.stop('SIGINT');
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(false);
    expect(demo.output).toContain(`the data stays in ${dataDir}`);
    const apiLog = join(dataDir, 'service-logs', 'api.log');
    expect(existsSync(apiLog)).toBe(true);
    expect(readFileSync(apiLog, 'utf8')).toMatch(/"trace_id":"[0-9a-f]{32}"/);
  });
});

describe.skipIf(skipReason !== undefined)('sightline demo --duration', () => {
  it('stops by itself after the given seconds, exits 0 and removes its temporary data directory', async () => {
    const ports = ['--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0'];
    const args = [...ports, '--rate', '5', '--database', 'memory', '--queue', 'memory', '--duration', '2'];
    const demo = await startDemo(args, /Press Ctrl-C to stop/, 45_000);
    try {
      const exit = await Promise.race([
        demo.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running after 45 s'), 45_000)),
      ]);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(demo.output).toMatch(/stopped: sent [1-9]\d* requests/);
      const dataDir = demo.output.match(/data\s+(\S+) \(temporary, removed on exit\)/)?.[1];
      expect(dataDir).toBeTruthy();
      expect(existsSync(dataDir as string)).toBe(false);
    } finally {
      await demo.stop('SIGKILL');
    }
  }, 90_000);
});

describe.skipIf(skipReason !== undefined)('sightline demo when a service dies', () => {
  it('stops everything, exits 1, names the service and keeps its logs', async () => {
    const ports = ['--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0'];
    const demo = await startDemo(
      [...ports, '--rate', '5', '--database', 'memory', '--queue', 'memory'],
      /Press Ctrl-C to stop/,
      45_000,
    );
    try {
      const { pids } = demo.banner();
      process.kill(pids.worker as number, 'SIGKILL');
      const exit = await Promise.race([
        demo.exited,
        new Promise((resolve) => setTimeout(() => resolve('still running after 30 s'), 30_000)),
      ]);
      expect(exit).toEqual({ code: 1, signal: null });
      expect(demo.output).toContain('worker exited unexpectedly (code null, signal SIGKILL); stopping the demo');
      for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(false);
      const kept = demo.output.match(/^kept (\S+) \(service logs in (\S+)\)$/m);
      expect(kept).not.toBeNull();
      expect(existsSync(join(kept?.[2] as string, 'worker.log'))).toBe(true);
      rmSync(kept?.[1] as string, { recursive: true, force: true });
    } finally {
      await demo.stop('SIGKILL');
    }
  }, 90_000);
});

describe.skipIf(skipReason !== undefined)('sightline demo killed with SIGKILL', () => {
  it('leaves no service process behind (each service leaves when its parent is gone)', async () => {
    const ports = ['--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0'];
    const demo = await startDemo(
      [...ports, '--rate', '5', '--database', 'memory', '--queue', 'memory'],
      /Press Ctrl-C to stop/,
      45_000,
    );
    try {
      const { pids } = demo.banner();
      expect(Object.keys(pids).sort()).toEqual(['api', 'inventory', 'worker']);
      expect(await demo.stop('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });
      await eventually('every service process to exit', 15_000, async () =>
        Object.values(pids).every((pid) => !isRunning(pid)) ? true : undefined,
      );
    } finally {
      await demo.stop('SIGKILL');
    }
  }, 90_000);
});
