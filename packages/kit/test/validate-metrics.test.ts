import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMetrics, METRIC_RULES, type ValidationReport, validateMetricFamilies } from '../src/validate/index.js';
import { SIGHTLINE_REGISTER_BUILT } from './fixtures/instrumentation.js';
import { startProcess } from './fixtures/processes.js';
import { REPO_ROOT, runCli } from './fixtures/run-cli.js';

const fixture = (name: string) => new URL(`./fixtures/validate/${name}`, import.meta.url).pathname;
const ALL_RULE_IDS = Object.values(METRIC_RULES)
  .map((r) => r.id)
  .sort();

async function validateFile(kind: 'file' | 'otlp', name: string): Promise<ValidationReport> {
  return validateMetricFamilies(await loadMetrics({ [kind]: fixture(name) }));
}

describe('sightline validate metrics rules', () => {
  it('finds nothing wrong in clean Prometheus and OTLP metrics', async () => {
    expect((await validateFile('file', 'clean.prom')).findings).toEqual([]);
    expect((await validateFile('otlp', 'clean-otlp.json')).findings).toEqual([]);
  });

  it('hits every rule at least once across the violation fixtures', async () => {
    const prom = await validateFile('file', 'violations.prom');
    const otlp = await validateFile('otlp', 'violations-otlp.jsonl');
    const hit = new Set([...prom.findings, ...otlp.findings].map((f) => f.ruleId));
    expect([...hit].sort()).toEqual(ALL_RULE_IDS);
    expect(prom.failed && otlp.failed).toBe(true);
  });

  it('names the current semantic-convention metric for a deprecated one, with its unit', async () => {
    const otlp = await validateFile('otlp', 'violations-otlp.jsonl');
    const deprecated = otlp.findings.filter((f) => f.ruleId === 'SLM001');
    expect(deprecated.find((f) => f.metric === 'http.server.duration')?.fix).toBe(
      'rename to http.server.request.duration with unit s',
    );
    expect(deprecated.find((f) => f.metric === 'db.client.connections.usage')?.fix).toBe(
      'rename to db.client.connection.count',
    );
    const prom = await validateFile('file', 'violations.prom');
    expect(prom.findings.find((f) => f.ruleId === 'SLM001')?.fix).toContain('http_server_request_duration_seconds');
  });

  it('flags ids, URLs with ids and per-user keys as high-cardinality attributes, and only those', async () => {
    const prom = await validateFile('file', 'violations.prom');
    const otlp = await validateFile('otlp', 'violations-otlp.jsonl');
    const flagged = [...prom.findings, ...otlp.findings]
      .filter((f) => f.ruleId === 'SLM008')
      .map((f) => `${f.metric}:${f.attribute}`);
    expect(flagged.sort()).toEqual(
      [
        'HttpRequests:customerId',
        'cart_items_added_total:sessionToken',
        'cart_items_added_total:user_id',
        'http.server.duration:http.target',
        'http_requests:url_path',
        'orders.latency_ms:order.uuid',
      ].sort(),
    );
  });

  it('treats an attribute with more distinct values than --max-values as high-cardinality', async () => {
    const lines = ['# HELP shop_views_total Views.', '# TYPE shop_views_total counter'];
    for (let i = 0; i < 30; i++) lines.push(`shop_views_total{product="p${String.fromCharCode(97 + (i % 26))}${i}"} 1`);
    const input = {
      source: 'inline',
      metrics: (await import('../src/validate/index.js')).parsePrometheusText(lines.join('\n')),
    };
    expect(validateMetricFamilies(input, { maxDistinctValues: 50 }).findings).toEqual([]);
    const tight = validateMetricFamilies(input, { maxDistinctValues: 20 }).findings;
    expect(tight.map((f) => [f.ruleId, f.attribute])).toEqual([['SLM008', 'product']]);
    expect(tight[0]?.message).toContain('30 distinct values (limit 20)');
  });
});

// promtool prints "<metric> <problem>" per finding; each maps to one of our rules.
function promtoolProblems(file: string): Array<{ metric: string; problem: string }> {
  const run = spawnSync('promtool', ['check', 'metrics'], { input: readFileSync(file), encoding: 'utf8' });
  return `${run.stdout}${run.stderr}`
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => ({ metric: l.slice(0, l.indexOf(' ')), problem: l.slice(l.indexOf(' ') + 1) }));
}
function ruleForPromtool(problem: string): string[] {
  if (problem.includes('"_total" suffix')) return ['SLM004'];
  if (problem.includes('no help text')) return ['SLM010'];
  if (problem.includes('base unit')) return ['SLM003', 'SLM005'];
  if (problem.includes('abbreviated units')) return ['SLM003', 'SLM005'];
  if (problem.startsWith('label names')) return ['SLM007'];
  return ['SLM006'];
}
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) console.warn('skipped: promtool cross-check (promtool is not installed; apt-get install prometheus)');

describe.skipIf(!hasPromtool)('Prometheus-form findings agree with promtool check metrics', () => {
  it('promtool and sightline both find nothing in the clean exposition', async () => {
    expect(promtoolProblems(fixture('clean.prom'))).toEqual([]);
    expect((await validateFile('file', 'clean.prom')).findings).toEqual([]);
  });

  it('every promtool problem is reported by sightline for the same metric under the matching rule', async () => {
    const problems = promtoolProblems(fixture('violations.prom'));
    expect(problems.length).toBeGreaterThanOrEqual(6);
    const ours = (await validateFile('file', 'violations.prom')).findings;
    for (const { metric, problem } of problems) {
      const rules = ruleForPromtool(problem);
      expect(
        ours.some((f) => f.metric === metric && rules.includes(f.ruleId)),
        `${metric}: ${problem}`,
      ).toBe(true);
    }
  });

  it('every sightline finding that promtool also lints (_total, HELP, camelCase) is confirmed by promtool', async () => {
    const problems = promtoolProblems(fixture('violations.prom'));
    const ours = (await validateFile('file', 'violations.prom')).findings;
    const checks: Array<[string, (p: string) => boolean]> = [
      ['SLM004', (p) => p.includes('"_total" suffix')],
      ['SLM010', (p) => p.includes('no help text')],
    ];
    for (const [ruleId, matches] of checks) {
      for (const f of ours.filter((x) => x.ruleId === ruleId)) {
        expect(
          problems.some((p) => p.metric === f.metric && matches(p.problem)),
          `${ruleId} ${f.metric}`,
        ).toBe(true);
      }
    }
    for (const f of ours.filter((x) => x.ruleId === 'SLM006' && x.message.includes('snake_case'))) {
      expect(problems.some((p) => p.metric === f.metric && p.problem.includes('camelCase'))).toBe(true);
    }
  });
});

describe('sightline validate metrics command', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = createHttpServer((req, res) => {
      const name = req.url === '/clean' ? 'clean.prom' : 'violations.prom';
      res.setHeader('content-type', 'text/plain; version=0.0.4');
      res.end(readFileSync(fixture(name)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('scrapes a clean /metrics endpoint and exits 0', async () => {
    const run = await runCli(['validate', 'metrics', '--url', `${base}/clean`]);
    expect(run.stdout).toContain('no findings');
    expect(run.code).toBe(0);
  });

  it('exits 1 with JSON findings when an endpoint has errors', async () => {
    const run = await runCli(['validate', 'metrics', '--url', `${base}/metrics`, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as ValidationReport;
    expect(report.counts.error).toBeGreaterThan(0);
    expect(report.findings.find((f) => f.ruleId === 'SLM004')?.metric).toBe('http_requests');
  });

  it('writes SARIF 2.1.0 whose results point at rules and lines of the file', async () => {
    const run = await runCli(['validate', 'metrics', '--file', fixture('violations.prom'), '--format', 'sarif']);
    expect(run.code).toBe(1);
    const sarif = JSON.parse(run.stdout);
    expect(sarif.version).toBe('2.1.0');
    const driver = sarif.runs[0].tool.driver;
    expect(driver.rules.map((r: { id: string }) => r.id).sort()).toEqual(ALL_RULE_IDS);
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'SLM004');
    expect(driver.rules[result.ruleIndex].id).toBe('SLM004');
    expect(result.locations[0].physicalLocation.region.startLine).toBe(9);
    expect(result.locations[0].logicalLocations[0].name).toBe('http_requests');
  });

  it('--disable skips rules by id or name', async () => {
    const run = await runCli([
      'validate',
      'metrics',
      '--otlp',
      fixture('violations-otlp.jsonl'),
      '--format',
      'json',
      '--disable',
      'SLM001,duration-unit-ms,SLM005,SLM006,SLM008',
    ]);
    const report = JSON.parse(run.stdout) as ValidationReport;
    expect(report.counts.error).toBe(0);
    expect(run.code).toBe(0);
  });

  it('rejects bad input with a coded error naming the flag and exits 2', async () => {
    const format = await runCli(['validate', 'metrics', '--file', fixture('clean.prom'), '--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain(
      'SIGHTLINE_ERR_VALIDATE_FORMAT: --format "xml" is not supported; accepted: table, json, sarif',
    );
    const two = await runCli(['validate', 'metrics', '--file', 'a.prom', '--url', base]);
    expect(two.code).toBe(2);
    expect(two.stderr).toContain('SIGHTLINE_ERR_VALIDATE_INPUT');
    const broken = await runCli(['validate', 'metrics', '--file', fixture('clean-otlp.json')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/SIGHTLINE_ERR_METRICS_PARSE: .*clean-otlp\.json:1:/);
  });
});

describe.skipIf(!hasPromtool || !SIGHTLINE_REGISTER_BUILT)('validating what @sightline/node itself exposes', () => {
  it('agrees with promtool on a live /metrics scrape of an instrumented service', async () => {
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const p = (probe.address() as AddressInfo).port;
        probe.close(() => resolve(p));
      });
    });
    const app = await startProcess(['--import', '@sightline/node/register', fixture('../check/inventory.mjs')], {
      cwd: REPO_ROOT,
      env: {
        OTEL_SERVICE_NAME: 'inventory',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_EXPORTER_PROMETHEUS_PORT: String(port),
        OTEL_EXPORTER_PROMETHEUS_HOST: '127.0.0.1',
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
      },
    });
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`http://127.0.0.1:${app.port}/stock/${i}`)).text();
      const url = `http://127.0.0.1:${port}/metrics`;
      const scrape = await (await fetch(url)).text();
      const run = await runCli(['validate', 'metrics', '--url', url, '--format', 'json']);
      const later = await (await fetch(url)).text();
      expect([0, 1]).toContain(run.code);
      const report = JSON.parse(run.stdout) as ValidationReport;
      // Every metric of the CLI's own scrape, which falls between these two: a metric only appears once it has a
      // point (v8js.gc.duration at the first GC, which may come between two scrapes), and none goes away.
      const families = (text: string) => text.match(/^# TYPE /gm)?.length ?? 0;
      expect(report.metricsChecked).toBeGreaterThanOrEqual(families(scrape));
      expect(report.metricsChecked).toBeLessThanOrEqual(families(later));
      expect(report.metricsChecked).toBeGreaterThan(5);
      // The HTTP server histogram is a current convention metric, whatever its suffixes.
      const http = report.findings.filter((f) => f.metric.startsWith('http_server_request_duration'));
      expect(http.filter((f) => f.ruleId === 'SLM001' || f.ruleId === 'SLM002')).toEqual([]);
      const problems = spawnSync('promtool', ['check', 'metrics'], { input: scrape, encoding: 'utf8' });
      for (const line of `${problems.stdout}${problems.stderr}`.split('\n').filter((l) => l.trim() !== '')) {
        const metric = line.slice(0, line.indexOf(' '));
        const rules = ruleForPromtool(line.slice(line.indexOf(' ') + 1));
        expect(
          report.findings.some((f) => f.metric === metric && rules.includes(f.ruleId)),
          line,
        ).toBe(true);
      }
    } finally {
      await app.stop();
    }
  });
});
