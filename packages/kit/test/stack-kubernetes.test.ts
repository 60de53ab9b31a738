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
  it('writes Helm values for Loki, Mimir, Tempo, Grafana, Alertmanager and k8s-monitoring, a README and a runbook', () => {
    expect(readdirSync(join(dir, 'kubernetes')).sort()).toEqual(
      [
        'README.md',
        'RUNBOOK.md',
        'rules',
        'values-alertmanager.yaml',
        'values-grafana.yaml',
        'values-k8s-monitoring.yaml',
        'values-loki.yaml',
        'values-mimir.yaml',
        'values-tempo.yaml',
      ].sort(),
    );
    expect(readFileSync(join(dir, 'kubernetes/RUNBOOK.md'), 'utf8')).toMatch(
      /## Scaling each component[\s\S]*## What to watch/,
    );
  });

  it('stores logs, traces and metrics in S3-compatible buckets with the configured retention', () => {
    const loki = values('values-loki.yaml');
    expect(loki.loki.storage).toMatchObject({
      type: 's3',
      bucketNames: { chunks: 'shop-logs' },
      s3: { endpoint: 'minio.storage.svc:9000', insecure: true },
    });
    expect(loki.loki.limits_config).toMatchObject({ allow_structured_metadata: true, retention_period: '336h' });
    expect(loki.loki.schemaConfig.configs[0]).toMatchObject({ store: 'tsdb', schema: 'v13' });
    const tempo = values('values-tempo.yaml');
    expect(tempo.storage.trace).toMatchObject({ backend: 's3', s3: { bucket: 'sightline-tempo' } });
    expect(tempo.compactor.config.compaction.block_retention).toBe('168h');
    expect(tempo.metricsGenerator.config.storage.remote_write[0].url).toBe(
      'http://mimir-gateway.observability.svc/api/v1/push',
    );
    const mimir = values('values-mimir.yaml');
    expect(mimir.mimir.structuredConfig.blocks_storage.s3.bucket_name).toBe('sightline-mimir');
    expect(mimir.mimir.structuredConfig.limits.compactor_blocks_retention_period).toBe('400d');
    // Credentials come from a Kubernetes Secret as environment variables, never from the values files.
    for (const file of ['values-loki.yaml', 'values-mimir.yaml', 'values-tempo.yaml']) {
      const text = readFileSync(join(dir, 'kubernetes', file), 'utf8');
      expect(text).toContain('name: sightline-s3-credentials');
      expect(text).not.toMatch(/secret_access_key|secretAccessKey/);
    }
  });

  it('provisions Grafana with the same correlated data sources and the three dashboards, anonymous access off', () => {
    const grafana = values('values-grafana.yaml');
    const sources = grafana.datasources['datasources.yaml'].datasources as Array<{ uid: string; url: string }>;
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

  it('runs Alloy as a DaemonSet receiving OTLP (4317/4318) and sends to the Loki, Mimir and Tempo releases', () => {
    const monitoring = values('values-k8s-monitoring.yaml');
    expect(monitoring['alloy-receiver'].controller.type).toBe('daemonset');
    expect(monitoring['alloy-receiver'].alloy.extraPorts.map((p: { port: number }) => p.port)).toEqual([4317, 4318]);
    expect(monitoring.applicationObservability.receivers.otlp).toMatchObject({
      grpc: { enabled: true },
      http: { enabled: true },
    });
    expect(readFileSync(join(dir, 'kubernetes/README.md'), 'utf8')).toContain(
      'value: http://k8s-monitoring-alloy-receiver.observability.svc:4317',
    );
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
