import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ValidationReport } from '../src/validate/index.js';
import { runCli } from './fixtures/run-cli.js';

// The OTLP capture with known violations is sent to a real `sightline up` over OTLP/HTTP (JSON), then read back
// through the query API by `validate metrics --from-store`.
const TOKEN = 'validate-store-token';
let dataDir: string;
let server: { apiUrl: string; otlpHttpUrl: string; close(): Promise<void> };

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'sightline-validate-store-'));
  const { startServer } = await import('@sightline/server');
  server = await startServer({ dataDir, port: 0, otlpGrpcPort: 0, otlpHttpPort: 0, token: TOKEN, onWarning: () => {} });
  const nowNs = `${BigInt(Date.now()) * 1_000_000n}`;
  const lines = readFileSync(new URL('./fixtures/validate/violations-otlp.jsonl', import.meta.url), 'utf8')
    .trim()
    .split('\n');
  for (const line of lines) {
    const body = line.replace(/"(startTimeUnixNano|timeUnixNano)": "\d+"/g, `"$1": "${nowNs}"`);
    const res = await fetch(`${server.otlpHttpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body,
    });
    if (!res.ok) throw new Error(`OTLP/HTTP metrics answered ${res.status}: ${await res.text()}`);
  }
});

afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('sightline validate metrics --from-store', () => {
  it('finds the same violations in the stored metrics, with labels and buckets from the query API', async () => {
    const run = await runCli([
      'validate',
      'metrics',
      '--from-store',
      '--api',
      server.apiUrl,
      '--token',
      TOKEN,
      '--format',
      'json',
    ]);
    expect(run.code, run.stderr).toBe(1);
    const report = JSON.parse(run.stdout) as ValidationReport;
    expect(report.source).toBe(`sightline store at ${server.apiUrl}`);
    expect(report.metricsChecked).toBe(8);
    const has = (ruleId: string, metric: string, attribute?: string) =>
      report.findings.some(
        (f) => f.ruleId === ruleId && f.metric === metric && (attribute === undefined || f.attribute === attribute),
      );
    expect(has('SLM001', 'http.server.duration')).toBe(true);
    expect(has('SLM003', 'orders.latency_ms')).toBe(true);
    expect(has('SLM006', 'HttpRequests')).toBe(true);
    expect(has('SLM008', 'http.server.duration', 'http.target')).toBe(true);
    expect(has('SLM008', 'orders.latency_ms', 'order.uuid')).toBe(true);
    expect(has('SLM009', 'http.server.request.duration')).toBe(true);
    // service.name is a resource attribute the labels endpoint mixes in; it is not linted as a metric attribute.
    expect(report.findings.some((f) => f.attribute === 'service.name')).toBe(false);
  });

  it('needs the token when the server has one (exit 2, names --token)', async () => {
    const run = await runCli(['validate', 'metrics', '--from-store', '--api', server.apiUrl]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('SIGHTLINE_ERR_STORE_AUTH');
  });
});
