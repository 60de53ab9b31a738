import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as traceqlParser } from '@grafana/lezer-traceql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../src/config/index.js';
import { buildDashboards, dashboardFiles } from '../src/dashboards/index.js';

interface Target {
  expr?: string;
  query?: string;
  queryType?: string;
  exemplar?: boolean;
  datasource?: { type: string; uid: string };
}
interface Panel {
  type: string;
  id: number;
  title: string;
  targets?: Target[];
  datasource?: { type: string; uid: string };
}

/** What Grafana does before sending a query: substitute its variables. */
function interpolate(query: string): string {
  return query
    .replaceAll('$__rate_interval', '5m')
    .replaceAll('$__auto', '1m')
    .replaceAll('$service', 'checkout')
    .replaceAll('$environment', 'prod');
}

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

function panels(dashboard: Record<string, unknown>): Panel[] {
  return dashboard.panels as Panel[];
}

const generic = buildDashboards(parseConfig({}));

function templating(dashboard: Record<string, unknown> | undefined): Array<Record<string, unknown>> {
  const templating = dashboard?.templating as { list: Array<Record<string, unknown>> } | undefined;
  return templating?.list ?? [];
}

describe('sightline dashboards', () => {
  it('builds a service overview, a runtime and a logs-and-traces dashboard with stable uids', () => {
    expect(generic.map((d) => d.dashboard.uid)).toEqual([
      'sightline-service-overview',
      'sightline-runtime',
      'sightline-logs-traces',
    ]);
  });

  it('every PromQL, LogQL and TraceQL query parses without error nodes in the official grammars', () => {
    let counted = { promql: 0, logql: 0, traceql: 0 };
    for (const { dashboard } of generic) {
      for (const panel of panels(dashboard)) {
        for (const target of panel.targets ?? []) {
          const type = target.datasource?.type;
          if (type === 'prometheus') {
            expect(syntaxErrors(promqlParser, interpolate(target.expr as string)), target.expr).toBe(0);
            counted = { ...counted, promql: counted.promql + 1 };
          } else if (type === 'loki') {
            expect(syntaxErrors(logqlParser, interpolate(target.expr as string)), target.expr).toBe(0);
            counted = { ...counted, logql: counted.logql + 1 };
          } else if (type === 'tempo' && target.queryType === 'traceql') {
            expect(syntaxErrors(traceqlParser, interpolate(target.query as string)), target.query).toBe(0);
            counted = { ...counted, traceql: counted.traceql + 1 };
          }
        }
      }
    }
    // Query variables: the series selector inside Grafana's label_values(selector, label) is PromQL too.
    for (const { dashboard } of generic) {
      for (const variable of templating(dashboard)) {
        const selector = /^label_values\((.+), \w+\)$/.exec(String(variable.query))?.[1];
        expect(selector, String(variable.query)).toBeDefined();
        expect(syntaxErrors(promqlParser, interpolate(selector as string)), selector).toBe(0);
      }
    }
    expect(counted.promql).toBeGreaterThanOrEqual(15);
    expect(counted.logql).toBe(2);
    expect(counted.traceql).toBe(2);
  });

  it('the grammar check itself rejects a broken query (so the test above can fail)', () => {
    expect(syntaxErrors(promqlParser, 'sum by (le (rate(x[5m]))')).toBeGreaterThan(0);
    expect(syntaxErrors(logqlParser, '{service_name=~"x"} | | severity_text')).toBeGreaterThan(0);
    expect(syntaxErrors(traceqlParser, '{ resource.service.name = && }')).toBeGreaterThan(0);
  });

  it('the service overview shows RED per service and per route from the semconv HTTP histogram, with exemplars', () => {
    const overview = panels(generic[0]?.dashboard as Record<string, unknown>);
    const exprs = overview.flatMap((p) => (p.targets ?? []).map((t) => t.expr ?? ''));
    expect(
      exprs.some((e) => e.startsWith('sum by (service_name) (rate(http_server_request_duration_seconds_count{')),
    ).toBe(true);
    for (const q of ['0.5', '0.95', '0.99'])
      expect(exprs.some((e) => e.startsWith(`histogram_quantile(${q}, sum by (le, service_name)`))).toBe(true);
    expect(exprs.some((e) => e.includes('http_response_status_code=~"5.."'))).toBe(true);
    expect(exprs.some((e) => e.includes('http_response_status_code=~"4.."'))).toBe(true);
    expect(exprs.some((e) => e.includes('sum by (service_name, http_route, http_request_method)'))).toBe(true);
    expect(overview.map((p) => p.type)).toContain('heatmap');
    expect(overview.flatMap((p) => p.targets ?? []).filter((t) => t.exemplar).length).toBeGreaterThanOrEqual(2);
    expect(overview.map((p) => p.id)).toEqual(overview.map((_, i) => i + 1));
  });

  it('generic output selects services through a $service variable fed from Mimir; configured services become a fixed list', () => {
    const vars = templating(generic[0]?.dashboard);
    expect(vars.map((v) => v.name)).toEqual(['service', 'environment']);
    expect(vars[0]).toMatchObject({
      type: 'query',
      query: 'label_values(http_server_request_duration_seconds_count, service_name)',
      includeAll: true,
      multi: true,
    });
    const fixed = buildDashboards(
      parseConfig({ services: [{ name: 'checkout' }, { name: 'pay.ments' }], environments: ['prod', 'staging'] }),
    );
    const fixedVars = templating(fixed[0]?.dashboard);
    expect(fixedVars[0]).toMatchObject({
      type: 'custom',
      query: 'checkout,pay.ments',
      allValue: 'checkout|pay\\.ments',
    });
    expect(fixedVars[1]).toMatchObject({ type: 'custom', query: 'prod,staging' });
  });

  it('the runtime dashboard charts event loop, heap, GC and SDK drops under their Prometheus names', () => {
    const exprs = panels(generic[1]?.dashboard as Record<string, unknown>).flatMap((p) =>
      (p.targets ?? []).map((t) => t.expr ?? ''),
    );
    for (const metric of [
      'nodejs_eventloop_delay_p99_seconds',
      'nodejs_eventloop_utilization_ratio',
      'v8js_memory_heap_used_bytes',
      'v8js_memory_heap_space_size_bytes',
      'v8js_gc_duration_seconds_sum',
      'process_memory_usage_bytes',
      'sightline_sdk_dropped_total',
    ]) {
      expect(
        exprs.some((e) => e.includes(metric)),
        metric,
      ).toBe(true);
    }
  });

  it('writes one JSON file per dashboard under grafana/dashboards', () => {
    const files = dashboardFiles(parseConfig({}));
    expect(files.map((f) => f.path)).toEqual([
      'grafana/dashboards/sightline-service-overview.json',
      'grafana/dashboards/sightline-runtime.json',
      'grafana/dashboards/sightline-logs-traces.json',
    ]);
    for (const file of files) expect(JSON.parse(file.content).title).toMatch(/^Sightline \//);
  });
});

const CLI = join(import.meta.dirname, '../../cli/dist/bin.js');
if (!existsSync(CLI)) console.warn('skipped: packages/cli is not built (npm run build); the CLI test needs it');

describe('sightline dashboards (CLI)', () => {
  it.skipIf(!existsSync(CLI))(
    '--service NAME… writes the three dashboards with a fixed service list into --out',
    () => {
      const cwd = mkdtempSync(join(tmpdir(), 'sightline-dash-'));
      try {
        const run = spawnSync(
          process.execPath,
          [CLI, 'dashboards', '--service', 'checkout', 'payments', '--out', 'grafana-out'],
          {
            cwd,
            encoding: 'utf8',
          },
        );
        expect(run.status, run.stderr).toBe(0);
        expect(run.stdout).toContain('3 written');
        const overview = JSON.parse(
          readFileSync(join(cwd, 'grafana-out/grafana/dashboards/sightline-service-overview.json'), 'utf8'),
        );
        expect(templating(overview)[0]).toMatchObject({ name: 'service', type: 'custom', query: 'checkout,payments' });
      } finally {
        rmSync(cwd, { recursive: true, force: true });
      }
    },
  );
});
