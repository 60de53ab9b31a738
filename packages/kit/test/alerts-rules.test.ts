import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { alertFiles } from '../src/alerts/index.js';
import { parseConfig } from '../src/config/index.js';
import { writeOutputs } from '../src/files/index.js';

function hasTool(name: string): boolean {
  const ok = spawnSync(name, ['--version'], { encoding: 'utf8' }).status === 0;
  if (!ok)
    console.warn(
      `skipped: ${name} is not installed (Debian package ${name === 'amtool' ? 'prometheus-alertmanager' : 'prometheus'})`,
    );
  return ok;
}
const PROMTOOL = hasTool('promtool');
const AMTOOL = hasTool('amtool');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const CUSTOM = parseConfig({
  services: [{ name: 'checkout' }, { name: 'payments' }],
  slos: [
    { name: 'checkout-availability', type: 'availability', objective: 99.5, service: 'checkout', window: '28d' },
    { name: 'fast-pages', type: 'latency', objective: 95, threshold: '250ms' },
  ],
  alerts: {
    errorRatio: 0.02,
    latencyP99: '1s',
    receivers: [
      { name: 'oncall', type: 'pagerduty', severities: ['page'] },
      { name: 'team', type: 'slack', severities: ['ticket', 'page'], channel: '#checkout' },
    ],
  },
});

const EXTREME = parseConfig({
  slos: [{ name: 'strict', type: 'latency', objective: 99.99, threshold: '5ms', window: '7d' }],
  alerts: { errorRatio: 0.001, latencyP99: '5ms', eventLoopDelay: '1ms', heapUsedRatio: 0.5, errorLogsPerMinute: 1 },
});

/** Generates alerts for a config into a fresh directory. */
function generate(config = parseConfig({})): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-alerts-'));
  dirs.push(dir);
  writeOutputs(dir, alertFiles(config));
  return dir;
}

function run(cmd: string, args: string[], cwd: string) {
  const result = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.yaml'));
}

interface RuleFile {
  groups: Array<{
    name: string;
    rules: Array<{
      alert?: string;
      record?: string;
      expr: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    }>;
  }>;
}

function rules(dir: string, sub: string): RuleFile['groups'][number]['rules'] {
  return yamlFiles(join(dir, sub)).flatMap((f) =>
    (parse(readFileSync(join(dir, sub, f), 'utf8')) as RuleFile).groups.flatMap((g) => g.rules),
  );
}

describe('sightline alerts', () => {
  for (const [label, config] of [
    ['default (generic) config', parseConfig({})],
    ['a config with services, custom SLOs and receivers', CUSTOM],
    ['a config with extreme thresholds and a 99.99 % / 5 ms SLO over 7 days', EXTREME],
  ] as const) {
    describe(label, () => {
      const dir = generate(config);
      const mimirRules = join(dir, 'mimir/rules/anonymous');

      it.skipIf(!PROMTOOL)('every Mimir rule file passes promtool check rules', () => {
        const files = yamlFiles(mimirRules);
        expect(files.length).toBe(2 + config.slos.length);
        const result = run('promtool', ['check', 'rules', ...files], mimirRules);
        expect(result.output).not.toContain('FAILED');
        expect(result.status, result.output).toBe(0);
      });

      it.skipIf(!PROMTOOL)(
        'promtool test rules proves every alert fires on a failing series and stays quiet on a healthy one',
        () => {
          const testsDir = join(dir, 'mimir/rule-tests');
          const tests = yamlFiles(testsDir);
          expect(tests.length).toBe(yamlFiles(mimirRules).length);
          const result = run('promtool', ['test', 'rules', ...tests], testsDir);
          expect(result.status, result.output).toBe(0);
          const alerts = rules(dir, 'mimir/rules/anonymous').filter((r) => r.alert);
          const cases = tests.flatMap((f) =>
            (parse(readFileSync(join(testsDir, f), 'utf8')) as { tests: Array<{ name: string }> }).tests.map(
              (t) => t.name,
            ),
          );
          for (const alert of alerts) {
            expect(cases).toContain(`${alert.alert} fires on a synthetic failing series`);
            expect(cases).toContain(`${alert.alert} stays quiet on a healthy series`);
          }
        },
      );

      it.skipIf(!AMTOOL)('the Alertmanager config passes amtool check-config', () => {
        const result = run('amtool', ['check-config', 'alertmanager/alertmanager.yml'], dir);
        expect(result.status, result.output).toBe(0);
      });

      it('every alert carries summary, description, runbook_url, a dashboard link and a page or ticket severity', () => {
        const alerts = [...rules(dir, 'mimir/rules/anonymous'), ...rules(dir, 'loki/rules/fake')].filter(
          (r) => r.alert,
        );
        expect(alerts.length).toBeGreaterThanOrEqual(9);
        for (const alert of alerts) {
          expect(Object.keys(alert.annotations ?? {}).sort(), alert.alert).toEqual([
            'dashboard',
            'description',
            'runbook_url',
            'summary',
          ]);
          expect(alert.annotations?.dashboard).toMatch(/^http:\/\/localhost:3000\/d\/sightline-/);
          expect(['page', 'ticket']).toContain(alert.labels?.severity);
        }
      });

      it("every PromQL expression parses with the official Prometheus grammar and every LogQL one with Loki's", () => {
        for (const rule of rules(dir, 'mimir/rules/anonymous'))
          expect(syntaxErrors(promqlParser, rule.expr), rule.expr).toBe(0);
        const loki = rules(dir, 'loki/rules/fake');
        expect(loki.length).toBeGreaterThan(0);
        for (const rule of loki) expect(syntaxErrors(logqlParser, rule.expr), rule.expr).toBe(0);
      });
    });
  }

  it('SLO alerts use the SRE workbook burn rates (14.4/6 page, 3/1 ticket for 30 days) with recording rules per window', () => {
    const dir = generate();
    const slo = rules(dir, 'mimir/rules/anonymous').filter((r) => r.record || r.alert?.startsWith('SLO'));
    const recorded = slo.filter((r) => r.record && r.labels?.slo === 'availability').map((r) => r.record);
    expect(recorded).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d'].map((w) => `slo:sli_error:ratio_rate${w}`));
    const fast = slo.find((r) => r.alert === 'SLOErrorBudgetFastBurn' && r.expr.includes('slo="availability"'));
    expect(fast?.labels?.severity).toBe('page');
    expect(fast?.expr).toContain('slo:sli_error:ratio_rate1h{slo="availability"} > (14.4 * 0.001)');
    expect(fast?.expr).toContain('slo:sli_error:ratio_rate30m{slo="availability"} > (6 * 0.001)');
    const slow = slo.find((r) => r.alert === 'SLOErrorBudgetSlowBurn' && r.expr.includes('slo="latency"'));
    expect(slow?.labels?.severity).toBe('ticket');
    expect(slow?.expr).toContain('slo:sli_error:ratio_rate1d{slo="latency"} > (3 * 0.01)');
    expect(slow?.expr).toContain('slo:sli_error:ratio_rate3d{slo="latency"} > (1 * 0.01)');
  });

  it('restricts rules to configured services and scopes a per-service SLO to its service', () => {
    const dir = generate(CUSTOM);
    const all = rules(dir, 'mimir/rules/anonymous');
    expect(all.find((r) => r.alert === 'HighErrorRatio')?.expr).toContain('service_name=~"checkout|payments"');
    const sli = all.find((r) => r.record === 'slo:sli_error:ratio_rate5m' && r.labels?.slo === 'checkout-availability');
    expect(sli?.expr).toContain('service_name="checkout"');
  });

  it('routes pages and tickets by severity with secrets read from files, never inline, and inhibits tickets during a page', () => {
    const am = parse(readFileSync(join(generate(), 'alertmanager/alertmanager.yml'), 'utf8')) as {
      route: { routes: Array<{ receiver: string; matchers: string[] }>; group_by: string[] };
      receivers: Array<Record<string, Array<Record<string, string>>>>;
      inhibit_rules: Array<{ source_matchers: string[]; target_matchers: string[] }>;
    };
    expect(am.route.routes.map((r) => [r.receiver, r.matchers])).toEqual([
      ['pagerduty', ['severity=~"page"']],
      ['slack', ['severity=~"ticket"']],
    ]);
    expect(am.route.group_by).toEqual(expect.arrayContaining(['service_name', 'deployment_environment']));
    const text = JSON.stringify(am.receivers);
    expect(text).toContain('"routing_key_file":"/etc/alertmanager/secrets/pagerduty_routing_key"');
    expect(text).toContain('"api_url_file":"/etc/alertmanager/secrets/slack_api_url"');
    expect(text).not.toMatch(/"(api_url|routing_key|service_key)":/);
    expect(am.inhibit_rules[0]).toMatchObject({
      source_matchers: ['severity="page"'],
      target_matchers: ['severity="ticket"'],
    });
  });

  it.skipIf(!PROMTOOL)('the generated promtool tests catch a rule that can no longer fire', () => {
    const dir = generate();
    const file = join(dir, 'mimir/rules/anonymous/sightline-http.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('> 0.05 and', '> 0.99 and'));
    const result = run('promtool', ['test', 'rules', 'sightline-http.test.yaml'], join(dir, 'mimir/rule-tests'));
    expect(result.status).not.toBe(0);
    expect(result.output).toContain('HighErrorRatio fires on a synthetic failing series');
  });
});

function syntaxErrors(
  parser: { parse(text: string): { iterate(spec: { enter(node: { type: { isError: boolean } }): void }): void } },
  query: string,
): number {
  let errors = 0;
  parser.parse(query).iterate({
    enter(node) {
      if (node.type.isError) errors++;
    },
  });
  return errors;
}
