import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/index.js';
import { writeOutputs } from '../src/files/index.js';
import { kubernetesStackFiles } from '../src/stack/index.js';

const PROMTOOL = spawnSync('promtool', ['--version']).status === 0;
if (!PROMTOOL) console.warn('skipped: promtool is not installed (Debian package prometheus)');

const dir = mkdtempSync(join(tmpdir(), 'sightline-k8s-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeOutputs(
  dir,
  kubernetesStackFiles(
    parseConfig({
      project: 'shop',
      storage: {
        type: 's3',
        s3: { endpoint: 'minio.storage.svc:9000', insecure: true, buckets: { logs: 'shop-logs' } },
      },
      retention: { logs: '14d', traces: '7d', metrics: '400d' },
    }),
  ),
);
const values = (file: string) => parse(readFileSync(join(dir, 'kubernetes', file), 'utf8'));

describe('sightline stack kubernetes', () => {
  it('writes Helm values for lgtm-distributed, k8s-monitoring and Alertmanager, a README and a runbook', () => {
    expect(readdirSync(join(dir, 'kubernetes')).sort()).toEqual(
      [
        'README.md',
        'RUNBOOK.md',
        'rules',
        'values-alertmanager.yaml',
        'values-k8s-monitoring.yaml',
        'values-lgtm.yaml',
      ].sort(),
    );
    expect(readFileSync(join(dir, 'kubernetes/RUNBOOK.md'), 'utf8')).toMatch(
      /## Scaling each component[\s\S]*## What to watch/,
    );
  });

  it('stores logs, traces and metrics in S3-compatible buckets with the configured retention', () => {
    const lgtm = values('values-lgtm.yaml');
    expect(lgtm.loki.loki.structuredConfig.common.storage.s3).toMatchObject({
      endpoint: 'minio.storage.svc:9000',
      bucketnames: 'shop-logs',
      insecure: true,
    });
    expect(lgtm.loki.loki.structuredConfig.limits_config.retention_period).toBe('336h');
    expect(lgtm.tempo.storage.trace).toMatchObject({ backend: 's3', s3: { bucket: 'sightline-tempo' } });
    expect(lgtm.tempo.compactor.config.compaction.block_retention).toBe('168h');
    expect(lgtm.mimir.mimir.structuredConfig.blocks_storage.s3.bucket_name).toBe('sightline-mimir');
    expect(lgtm.mimir.mimir.structuredConfig.limits.compactor_blocks_retention_period).toBe('400d');
    // Credentials come from a Kubernetes Secret, never from the values file.
    expect(JSON.stringify(lgtm)).not.toMatch(/secret_access_key":"[A-Za-z0-9/+]{20,}/);
  });

  it('provisions Grafana with the same correlated data sources and the three dashboards, anonymous access off', () => {
    const grafana = values('values-lgtm.yaml').grafana;
    const sources = grafana.datasources['sightline.yaml'].datasources as Array<{ uid: string; url: string }>;
    expect(sources.map((s) => s.uid)).toEqual(['mimir', 'loki', 'tempo', 'alertmanager']);
    expect(grafana['grafana.ini']['auth.anonymous'].enabled).toBe(false);
    expect(grafana.admin.existingSecret).toBe('grafana-admin');
    const dashboards = grafana.dashboards.sightline as Record<string, { json: string }>;
    expect(Object.keys(dashboards)).toEqual([
      'sightline-service-overview',
      'sightline-runtime',
      'sightline-logs-traces',
    ]);
    for (const { json } of Object.values(dashboards)) expect(JSON.parse(json).uid).toMatch(/^sightline-/);
  });

  it('runs Alloy as a DaemonSet receiving OTLP on the node (4317/4318) and sends to the LGTM release', () => {
    const monitoring = values('values-k8s-monitoring.yaml');
    expect(monitoring['alloy-receiver'].controller.type).toBe('daemonset');
    expect(monitoring['alloy-receiver'].alloy.extraPorts.map((p: { hostPort: number }) => p.hostPort)).toEqual([
      4317, 4318,
    ]);
    expect(monitoring.destinations.map((d: { name: string }) => d.name)).toEqual(['mimir', 'loki', 'tempo']);
  });

  it('mounts receiver secrets from a Kubernetes Secret into Alertmanager', () => {
    const am = values('values-alertmanager.yaml');
    expect(am.extraSecretMounts[0]).toMatchObject({
      secretName: 'alert-receivers',
      mountPath: '/etc/alertmanager/secrets',
    });
    expect(JSON.stringify(am.config)).toContain('routing_key_file');
  });

  it.skipIf(!PROMTOOL)(
    'ships the rule groups with their promtool tests, which pass from the kubernetes/rules layout',
    () => {
      const tests = join(dir, 'kubernetes/rules/tests');
      const files = readdirSync(tests);
      expect(files.length).toBe(4);
      const run = spawnSync('promtool', ['test', 'rules', ...files], { cwd: tests, encoding: 'utf8' });
      expect(run.status, `${run.stdout}${run.stderr}`).toBe(0);
    },
  );
});
