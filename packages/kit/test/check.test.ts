import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckReport, GateResult } from '../src/check/index.js';
import { instrumentationArgs, otelEnv, SIGHTLINE_REGISTER_BUILT } from './fixtures/instrumentation.js';
import { type StartedProcess, startProcess, stopChild, waitFor } from './fixtures/processes.js';
import { REPO_ROOT, runCli } from './fixtures/run-cli.js';

// Three real services instrumented with @sightline/node send to a real `sightline up`; billing is broken on purpose
// (its ingress strips the caller's traceparent; its request logs are written from a startup timer).
const TOKEN = 'check-test-token';
const REQUESTS = 10;
const fixture = (name: string) => new URL(`./fixtures/check/${name}`, import.meta.url).pathname;

type Server = { apiUrl: string; otlpHttpUrl: string; close(): Promise<void> };
let server: Server;
let dataDir: string;
let workDir: string;
const services: StartedProcess[] = [];
const capturedLogs: Record<string, string> = {};

/** A port nothing listens on: bound, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const memo = new Map<string, ReturnType<typeof check>>();
/** The default run is shared by the tests that only read different gates of it. */
function defaultCheck() {
  if (!memo.has('default')) memo.set('default', check([]));
  return memo.get('default') as ReturnType<typeof check>;
}

if (!SIGHTLINE_REGISTER_BUILT)
  console.warn(
    'skipped: check on real services (@sightline/node is not built: packages/node/dist/register-esm.mjs missing; run npm run build)',
  );

async function check(args: string[], input?: string) {
  const run = await runCli(['check', '--api', server.apiUrl, '--token', TOKEN, '--format', 'json', ...args], { input });
  const report = run.stdout ? (JSON.parse(run.stdout) as CheckReport) : undefined;
  const gate = (id: GateResult['id']) => report?.gates.find((g) => g.id === id) as GateResult;
  return { ...run, report, gate };
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'sightline-check-'));
  if (!SIGHTLINE_REGISTER_BUILT) return;
  dataDir = mkdtempSync(join(tmpdir(), 'sightline-check-store-'));
  const { startServer } = await import('@sightline/server');
  server = await startServer({ dataDir, port: 0, otlpGrpcPort: 0, otlpHttpPort: 0, token: TOKEN, onWarning: () => {} });
  const start = (name: string, env: NodeJS.ProcessEnv = {}) =>
    startProcess([...instrumentationArgs(), fixture(`${name}.mjs`)], {
      cwd: REPO_ROOT,
      env: { ...otelEnv(name, server.otlpHttpUrl, TOKEN), ...env },
    });
  const inventory = await start('inventory');
  const billing = await start('billing');
  const gateway = await start('gateway', {
    INVENTORY_URL: `http://127.0.0.1:${inventory.port}`,
    BILLING_URL: `http://127.0.0.1:${billing.port}`,
  });
  services.push(inventory, billing, gateway);
  for (let i = 5; i < 5 + REQUESTS; i++) {
    const res = await fetch(`http://127.0.0.1:${gateway.port}/orders/${i}`);
    await res.text();
  }
  // An uninstrumented client forwarding a traceparent whose span is never exported leaves gateway an orphan span.
  const orphan = await fetch(`http://127.0.0.1:${gateway.port}/ping`, {
    headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
  });
  await orphan.text();
  await new Promise((r) => setTimeout(r, 300)); // billing's timer drains its queue
  // SIGTERM flushes each service's buffered telemetry.
  for (const s of services) await s.stop();
  for (const [name, s] of [
    ['gateway', gateway],
    ['inventory', inventory],
    ['billing', billing],
  ] as const) {
    capturedLogs[name] = s.stdout();
  }
  await waitFor(async () => {
    const res = await fetch(`${server.apiUrl}/api/health`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const { storage } = (await res.json()) as { storage: { spans: number; logs: number } };
    return storage.logs >= REQUESTS * 4 && storage.spans >= REQUESTS * 6;
  }, 'spans and logs of every service in the store');
}, 90_000);

afterAll(async () => {
  for (const s of services) await stopChild(s.child);
  await server?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  rmSync(workDir, { recursive: true, force: true });
});

describe.skipIf(!SIGHTLINE_REGISTER_BUILT)('sightline check on telemetry of real instrumented services', () => {
  it('fails and names billing as the service whose request logs carry no trace context', async () => {
    const run = await defaultCheck();
    expect(run.code).toBe(1);
    const correlation = run.gate('correlation');
    expect(correlation.status).toBe('fail');
    // gateway logs twice and inventory once per request with context; billing once without.
    expect(correlation.value).toBe(75);
    expect(correlation.offenders.map((o) => [o.key, o.count])).toEqual([['billing: no trace_id/span_id', REQUESTS]]);
    expect(correlation.offenders[0]?.detail).toContain('card charged');
  });

  it('names the dropped traceparent by service pair (gateway → billing) and the orphan span', async () => {
    const { gate } = await defaultCheck();
    const broken = gate('broken-traces');
    expect(broken.status).toBe('fail');
    expect(broken.offenders.map((o) => [o.key, o.count])).toEqual([
      ['gateway → billing', REQUESTS],
      ['(unknown caller) → gateway', 1],
    ]);
    expect(broken.offenders[0]?.detail).toMatch(/traceparent not propagated/);
    expect(broken.offenders[1]?.detail).toContain('parent b7ad6b7169203331 is missing');
  });

  it('measures the auto-instrumentation share, with the manual scope as the worst offender', async () => {
    const auto = (await defaultCheck()).gate('auto-share');
    expect(auto.status).toBe('pass');
    expect(auto.value).toBeGreaterThanOrEqual(80);
    expect(auto.value).toBeLessThan(100);
    expect(auto.offenders[0]?.key).toBe('gateway: gateway-manual');
  });

  it('finds every required HTTP attribute on the spans @sightline/node produced', async () => {
    const semconv = (await defaultCheck()).gate('semconv-attributes');
    expect(semconv.status).toBe('pass');
    // Per order: gateway server + 2 fetch clients, inventory server, billing server; plus the orphan /ping.
    expect(semconv.summary).toBe(`0 of ${REQUESTS * 5 + 1} HTTP/DB/messaging/RPC spans miss required attributes`);
  });

  it('reports the bare 500 as an error span without an exception event', async () => {
    const errors = (await defaultCheck()).gate('error-exceptions');
    expect(errors.status).toBe('fail');
    expect(errors.offenders.some((o) => o.key.startsWith('billing: '))).toBe(true);
  });

  it('passes every gate for the healthy inventory service alone', async () => {
    const run = await check(['--service', 'inventory']);
    expect(run.report?.gates.filter((g) => g.status === 'fail')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('lets thresholds make the same data pass', async () => {
    const run = await check([
      '--min-correlation',
      '70',
      '--max-broken-traces',
      String(REQUESTS + 1),
      '--max-errors-without-exception',
      '100',
    ]);
    expect(run.report?.gates.map((g) => [g.id, g.status]).filter(([, s]) => s === 'fail')).toEqual([]);
    expect(run.code).toBe(0);
  });

  it('reads JSON-lines logs from stdin and verifies their ids against the stored traces', async () => {
    const lines = `${capturedLogs.gateway}${capturedLogs.inventory}${capturedLogs.billing}`;
    const run = await check(['--logs', '-'], lines);
    expect(run.code).toBe(1);
    const correlation = run.gate('correlation');
    expect(correlation.summary).toContain('exist in stored traces');
    expect(correlation.value).toBe(75);
    expect(correlation.offenders.map((o) => o.key)).toEqual(['billing: no trace_id/span_id']);
  });

  it('counts a log line without request fields as in-request when its service was serving a request then', async () => {
    const res = await fetch(`${server.apiUrl}/api/spans?service=inventory&from=now-1h`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const { spans } = (await res.json()) as { spans: Array<{ kind: string; startMs: number; durationMs: number }> };
    const served = spans.find((sp) => sp.kind === 'server') as { startMs: number; durationMs: number };
    const lines = [
      { service: 'inventory', time: served.startMs + served.durationMs / 2, msg: 'cache miss' },
      { service: 'inventory', time: served.startMs - 600_000, msg: 'warming cache at startup' },
    ];
    const run = await check(['--logs', '-'], lines.map((l) => JSON.stringify(l)).join('\n'));
    const correlation = run.gate('correlation');
    expect(correlation.summary).toContain('0 of 1 in-request log records');
    expect(correlation.offenders.map((o) => o.key)).toEqual(['inventory: no trace_id/span_id']);
    expect(correlation.offenders[0]?.detail).toContain('cache miss');
  });

  it('prints a human report with the worst offenders', async () => {
    const run = await runCli(['check', '--api', server.apiUrl, '--token', TOKEN]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('FAIL  log–trace correlation: 75 % (target ≥ 100 %)');
    expect(run.stdout).toMatch(/\d+ × gateway → billing — traceparent not propagated/);
  });

  it('fails (exit 1) when the window holds no telemetry at all, instead of passing every gate', async () => {
    const run = await runCli([
      'check',
      '--api',
      server.apiUrl,
      '--token',
      TOKEN,
      '--from',
      '2020-01-01T00:00:00Z',
      '--to',
      '2020-01-02T00:00:00Z',
    ]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'SIGHTLINE_ERR_CHECK_NO_DATA: no spans and no log records between 2020-01-01T00:00:00.000Z and 2020-01-02T00:00:00.000Z',
    );
  });

  it('refuses without the token and explains how to pass it (exit 2)', async () => {
    const run = await runCli(['check', '--api', server.apiUrl]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SIGHTLINE_ERR_STORE_AUTH');
    expect(run.stderr).toContain('--token');
  });
});

describe('sightline check without a store', () => {
  it('flags malformed and all-zero ids in a log file', async () => {
    const file = join(workDir, 'bad-ids.jsonl');
    writeFileSync(
      file,
      [
        { msg: 'ok', service: 'api', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7' },
        { msg: 'upper', service: 'api', trace_id: '4BF92F3577B34DA6A3CE929D0E0E4736', span_id: '00f067aa0ba902b7' },
        { msg: 'short', service: 'worker', trace_id: '4bf92f35', span_id: '00f067aa0ba902b7' },
        { msg: 'zeros', service: 'worker', trace_id: '0'.repeat(32), span_id: '0'.repeat(16) },
        { msg: 'startup', service: 'worker' },
      ]
        .map((l) => JSON.stringify(l))
        .join('\n'),
    );
    const run = await runCli(['check', '--logs', file, '--no-store', '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    const invalid = report.gates.find((g) => g.id === 'invalid-ids') as GateResult;
    expect(invalid.value).toBe(3);
    expect(invalid.offenders.map((o) => [o.key, o.count])).toEqual([
      ['worker', 2],
      ['api', 1],
    ]);
    const correlation = report.gates.find((g) => g.id === 'correlation') as GateResult;
    // The startup line has no request fields, so only 4 lines are in request context.
    expect(correlation.summary).toContain('1 of 4 in-request log records');
    expect(report.gates.map((g) => g.id)).toEqual(['correlation', 'invalid-ids']);
  });

  it('exits 2 naming --api when the store is unreachable', async () => {
    const closed = await closedPort();
    const run = await runCli(['check', '--api', `http://127.0.0.1:${closed}`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `SIGHTLINE_ERR_STORE_UNREACHABLE: cannot reach the Sightline query API at --api http://127.0.0.1:${closed} (ECONNREFUSED)`,
    );
  });

  it('rejects a threshold outside 0–100 % (exit 2)', async () => {
    const run = await runCli(['check', '--logs', '-', '--no-store', '--min-auto-share', '120'], { input: '' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      'SIGHTLINE_ERR_CHECK_THRESHOLD: --min-auto-share 120 is out of range; accepted: a percentage 0–100',
    );
  });
});
