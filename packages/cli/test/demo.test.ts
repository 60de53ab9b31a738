/**
 * `npm start`'s path end to end: `node packages/cli/dist/bin.js demo` with the real backend, the three
 * instrumented services and the traffic generator, on free ports and a temporary data directory.
 * Demos boot one at a time across test files (startDemo): two booting at once would compete for this machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserAvailable,
  CLI_BIN,
  type DemoProcess,
  demoSkipReason,
  eventually,
  type FlatSpan,
  flattenTrace,
  getJson,
  isRunning,
  launchBrowser,
  saveScreenshot,
  startDemo,
} from './demo-harness.js';

interface TraceSummary {
  traceId: string;
  services: string[];
}
interface LogRow {
  body: unknown;
  traceId?: string;
  spanId?: string;
}

const skipReason = await demoSkipReason();
if (skipReason) console.warn(`skipped: sightline demo end to end — ${skipReason}`);

/** Holds 127.0.0.1:port for the test's duration if nobody else does (either way the port is busy). */
async function occupy(port: number): Promise<Server | undefined> {
  const server = createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

const uiBuilt = existsSync(fileURLToPath(new URL('../../ui/dist/index.html', import.meta.url)));
if (!skipReason && !uiBuilt)
  console.warn('skipped: the demo serves the web UI — packages/ui is not built (npm run build)');

const REQUEST_LOG_MESSAGES = ['listed products', 'order placed', 'payment captured', 'recommendations served'];

describe.skipIf(skipReason !== undefined)('npm start runs sightline demo', () => {
  let dataDir = '';
  let demo: DemoProcess;
  let apiUrl = '';
  let grpcBlocker: Server | undefined;
  let orderTraceId = '';

  beforeAll(async () => {
    // Created here, not in the describe body: a skipped or filtered suite must leave nothing behind.
    dataDir = mkdtempSync(join(tmpdir(), 'sightline-demo-test-'));
    grpcBlocker = await occupy(4317);
    demo = await startDemo(
      ['--port', '0', '--otlp-http-port', '0', '--data-dir', dataDir, '--rate', '20'],
      /^ready\b/m,
      30_000,
    );
    apiUrl = demo.banner().apiUrl;
  }, 120_000);

  afterAll(async () => {
    await demo?.stop('SIGKILL');
    grpcBlocker?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints the UI URL and what to click first, then ready within 30 s', () => {
    const output = demo.output;
    expect(output).toMatch(/UI and query API\s+http:\/\/127\.0\.0\.1:\d+\//);
    expect(output.indexOf('What to click first')).toBeGreaterThan(-1);
    expect(output.indexOf('What to click first')).toBeLessThan(output.search(/^ready\b/m));
  });

  it.skipIf(!uiBuilt)('serves the web UI at the printed URL and at every page the banner links to', async () => {
    const links = [...demo.output.matchAll(/(http:\/\/127\.0\.0\.1:\d+\/\S*)/g)]
      .map((match) => match[1] as string)
      .filter((link) => link.startsWith(`${apiUrl}/`));
    expect(links.length).toBeGreaterThanOrEqual(6);
    for (const link of new Set(links)) {
      const response = await fetch(link);
      expect(response.status, link).toBe(200);
      const html = await response.text();
      // The built single-page app (its script from /assets/), not the server's "UI is not built" page.
      expect(html, link).toMatch(/<div id="app"><\/div>/);
      expect(html, link).toMatch(/<script type="module"[^>]* src="\/assets\/index-[\w-]+\.js">/);
    }
  });

  it('moves off the default OTLP gRPC port 4317 when it is busy, and says so', () => {
    expect(demo.output).toContain('port 4317 is busy, so --otlp-grpc-port uses a free port instead');
    expect(demo.output).toMatch(/OTLP\s+gRPC http:\/\/127\.0\.0\.1:(?!4317\b)\d+/);
  });

  it('lists api, inventory and worker in /api/services', async () => {
    const { status, body } = await getJson<{ services: Array<{ name: string; requests: number }> }>(
      `${apiUrl}/api/services?from=now-15m`,
    );
    expect(status).toBe(200);
    expect(body.services.map((service) => service.name)).toEqual(
      expect.arrayContaining(['api', 'inventory', 'worker']),
    );
  });

  it('records an order as one trace from api into inventory and, through the queue, into worker', async () => {
    const crossing = (spans: FlatSpan[], service: string) => {
      const byId = new Map(spans.map((span) => [span.spanId, span]));
      return spans.filter((span) => span.service === service && byId.get(span.parentSpanId)?.service === 'api');
    };
    const traceId = await eventually('a trace through api, inventory and worker', 25_000, async () => {
      const { body } = await getJson<{ traces: TraceSummary[] }>(
        `${apiUrl}/api/traces?service=api&limit=100&from=now-15m`,
      );
      for (const trace of body.traces.filter(
        (t) => t.services.includes('inventory') && t.services.includes('worker'),
      )) {
        const spans = flattenTrace(
          (await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${trace.traceId}`)).body,
        );
        if (crossing(spans, 'inventory').length > 0 && crossing(spans, 'worker').length > 0) return trace.traceId;
      }
      return undefined;
    });
    orderTraceId = traceId;
    // Read it again once the slower spans (the worker's job) have surely been exported too.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const spans = flattenTrace((await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${traceId}`)).body);
    const ids = new Set(spans.map((span) => span.spanId));
    const roots = spans.filter((span) => span.parentSpanId === '');
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    expect(roots.map((root) => root.service)).toEqual(['api']);
    expect(spans.filter((span) => span.parentSpanId !== '' && !ids.has(span.parentSpanId))).toEqual([]);
    // api's HTTP client span is the parent of inventory's server span: the SDK carried the context.
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const inventoryServer = crossing(spans, 'inventory').filter((span) => span.kind === 2);
    expect(inventoryServer.length).toBeGreaterThan(0);
    for (const span of inventoryServer) expect(byId.get(span.parentSpanId)?.kind).toBe(3);
    expect(crossing(spans, 'worker').length).toBeGreaterThan(0);
    // The worker continues the publisher's context it extracted from the message.
    const consumer = spans.find((span) => span.service === 'worker' && span.name.startsWith('process '));
    const producer = spans.find((span) => span.spanId === consumer?.parentSpanId);
    expect(producer?.service).toBe('api');
    expect(producer?.name).toMatch(/^send /);
    // Inventory's database call is part of the same trace (its batch may trail the others on a busy machine).
    const isDbSpan = (span: FlatSpan) =>
      span.service === 'inventory' && Object.keys(span.attributes).some((key) => key.startsWith('db.'));
    const withDb = await eventually(`a database span in trace ${traceId}`, 10_000, async () => {
      const again = flattenTrace((await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${traceId}`)).body);
      return again.some(isDbSpan) ? again : undefined;
    }).catch(() => spans);
    expect(withDb.filter((span) => span.service === 'inventory').map((span) => span.name)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(pg\.query:|SELECT stock|UPDATE stock)/)]),
    );
    const dbSpan = withDb.find(isDbSpan) as FlatSpan;
    expect(dbSpan.attributes['db.system.name'] ?? dbSpan.attributes['db.system']).toMatch(/^(postgresql|other_sql)$/);
  });

  it("gives api's request logs the trace and span ids of stored traces", async () => {
    const logs = await eventually('api request logs', 15_000, async () => {
      const { body } = await getJson<{ logs: LogRow[] }>(`${apiUrl}/api/logs?service=api&limit=200&from=now-15m`);
      const inRequests = body.logs.filter((log) =>
        REQUEST_LOG_MESSAGES.some((m) => JSON.stringify(log.body).includes(m)),
      );
      return inRequests.length >= 5 ? inRequests : undefined;
    });
    for (const log of logs) {
      expect(log.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(log.spanId).toMatch(/^[0-9a-f]{16}$/);
    }
    for (const log of logs.slice(0, 5)) {
      const spanIds = await eventually(`the stored trace ${log.traceId}`, 10_000, async () => {
        const { status, body } = await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${log.traceId}`);
        const ids = status === 200 ? flattenTrace(body).map((span) => span.spanId) : [];
        return ids.includes(log.spanId as string) ? ids : undefined;
      });
      expect(spanIds).toContain(log.spanId);
    }
  });

  it('has what the banner promises: failing payments with their exception, slow recommendations, HTTP metrics', async () => {
    const failed = await eventually('a failed POST /payments trace', 15_000, async () => {
      const { body } = await getJson<{ traces: TraceSummary[] }>(
        `${apiUrl}/api/traces?service=api&status=error&limit=20&from=now-15m`,
      );
      return body.traces.find((trace) => JSON.stringify(trace).includes('POST /payments'));
    });
    const { body: otlp } = await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${failed.traceId}`);
    expect(JSON.stringify(otlp)).toContain('"name":"exception"');
    expect(JSON.stringify(otlp)).toContain('payment processor declined');

    const slow = await eventually('a slow GET /recommendations trace', 15_000, async () => {
      const { body } = await getJson<{ traces: Array<TraceSummary & { durationMs: number }> }>(
        `${apiUrl}/api/traces?service=api&minDurationMs=400&limit=20&from=now-15m`,
      );
      return body.traces.find((trace) => JSON.stringify(trace).includes('/recommendations'));
    });
    expect(slow.durationMs).toBeGreaterThanOrEqual(400);

    const metrics = await eventually('the http.server.request.duration histogram of api', 20_000, async () => {
      const { body } = await getJson<{ metrics: Array<{ name: string; type: string; services: string[] }> }>(
        `${apiUrl}/api/metrics?service=api&from=now-15m`,
      );
      return body.metrics.find((metric) => metric.name === 'http.server.request.duration');
    });
    expect(metrics.type).toBe('histogram');
    // Custom metrics through the SDK's meter helpers: orders by product (api) and job durations (worker).
    const custom = await eventually('the demo.orders.placed and demo.job.duration metrics', 20_000, async () => {
      const { body } = await getJson<{ metrics: Array<{ name: string; type: string; services: string[] }> }>(
        `${apiUrl}/api/metrics?from=now-15m`,
      );
      const orders = body.metrics.find((metric) => metric.name === 'demo.orders.placed');
      const jobs = body.metrics.find((metric) => metric.name === 'demo.job.duration');
      return orders && jobs ? { orders, jobs } : undefined;
    });
    expect(custom.orders).toMatchObject({ type: 'sum', services: ['api'] });
    expect(custom.jobs).toMatchObject({ type: 'histogram', services: ['worker'] });
  });

  it('has custom metrics that pass sightline validate (names, units, buckets)', () => {
    const result = spawnSync(
      process.execPath,
      [CLI_BIN, 'validate', 'metrics', '--from-store', '--api', apiUrl, '--from', 'now-15m', '--format', 'json'],
      { encoding: 'utf8', timeout: 30_000 },
    );
    const report = JSON.parse(result.stdout) as { metricsChecked: number; findings: Array<{ metric: string }> };
    expect(report.metricsChecked).toBeGreaterThan(3);
    expect(report.findings.filter((finding) => finding.metric.startsWith('demo.'))).toEqual([]);
  });

  it.skipIf(!uiBuilt || !browserAvailable)(
    'walks the first clicks in a browser: services, the order trace, its logs and back',
    async () => {
      expect(orderTraceId).toMatch(/^[0-9a-f]{32}$/);
      const browser = await launchBrowser();
      try {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(`${apiUrl}/services`);
        const services = page.getByRole('table', { name: 'Services' });
        await expect
          .poll(() => services.getByRole('link').allTextContents(), { timeout: 15_000 })
          .toEqual(expect.arrayContaining(['api', 'inventory', 'worker']));
        await saveScreenshot(page, 'services');

        const spans = flattenTrace(
          (await getJson<{ resourceSpans: unknown[] }>(`${apiUrl}/api/traces/${orderTraceId}`)).body,
        );
        await page.goto(`${apiUrl}/traces/${orderTraceId}`);
        const rows = page.locator('.wf-row');
        await expect.poll(() => rows.count(), { timeout: 15_000 }).toBeGreaterThanOrEqual(spans.length);
        const shown = await rows.evaluateAll((elements) => elements.map((e) => e.getAttribute('data-span-id')));
        expect(shown).toEqual(expect.arrayContaining(spans.map((span) => span.spanId)));
        await saveScreenshot(page, 'order-trace');

        await page.getByRole('link', { name: 'Logs for this trace' }).click();
        await page.waitForURL((url) => url.pathname === '/logs' && url.searchParams.get('traceId') === orderTraceId);
        const logRows = page.locator('.log-row');
        await expect.poll(() => logRows.count(), { timeout: 15_000 }).toBeGreaterThan(0);
        await expect
          .poll(() => logRows.allTextContents())
          .toEqual(expect.arrayContaining([expect.stringContaining('order placed')]));
        await saveScreenshot(page, 'order-logs');
        await logRows.first().locator('a.trace-link').click();
        await page.waitForURL((url) => url.pathname === `/traces/${orderTraceId}`);
      } finally {
        await browser.close();
      }
    },
  );

  it('stops on SIGTERM with exit code 0 and leaves no service process behind', async () => {
    const { pids } = demo.banner();
    expect(Object.keys(pids).sort()).toEqual(['api', 'inventory', 'worker']);
    for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(true);
    const exit = await demo.stop('SIGTERM');
    expect(exit).toEqual({ code: 0, signal: null });
    for (const pid of Object.values(pids)) expect(isRunning(pid)).toBe(false);
    expect(demo.output).toMatch(/stopped: sent \d+ requests/);
  });

  it('delivered every log line the services wrote before SIGTERM (buffered telemetry is flushed)', async () => {
    // What each service printed (its stdout JSON) before it began stopping must all be in the store.
    const written = ['api', 'inventory', 'worker'].flatMap((service) => {
      const lines = readFileSync(join(dataDir, 'service-logs', `${service}.log`), 'utf8').split('\n');
      const stop = lines.findIndex((line) => line.includes(`"msg":"${service} stopping"`));
      expect(stop, `${service} logged that it was stopping`).toBeGreaterThan(0);
      return lines
        .slice(0, stop)
        .map((line) => JSON.parse(line) as { trace_id?: string; span_id?: string; msg: string })
        .filter((record) => record.trace_id)
        .map((record) => `${service} ${record.trace_id} ${record.span_id} ${record.msg}`);
    });
    expect(written.length).toBeGreaterThan(20);
    const { startServer } = await import('@sightline/server');
    const server = await startServer({ dataDir, port: 0, otlpGrpcPort: 0, otlpHttpPort: 0 });
    try {
      const stored = new Set<string>();
      let cursor: string | null = null;
      do {
        const query: string = `${server.apiUrl}/api/logs/export?from=now-1h&limit=10000${cursor ? `&cursor=${cursor}` : ''}`;
        const { body } = await getJson<{ logs: Array<LogRow & { service: string }>; nextCursor: string | null }>(query);
        for (const log of body.logs) stored.add(`${log.service} ${log.traceId} ${log.spanId} ${String(log.body)}`);
        cursor = body.nextCursor;
      } while (cursor);
      expect(written.filter((line) => !stored.has(line))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
