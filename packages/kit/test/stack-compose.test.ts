import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parser as logqlParser } from '@grafana/lezer-logql';
import { parser as promqlParser } from '@prometheus-io/lezer-promql';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseConfig } from '../src/config/index.js';
import { writeOutputs } from '../src/files/index.js';
import { composeStackFiles } from '../src/stack/index.js';

/** Golden files: regenerate with `SIGHTLINE_UPDATE_GOLDEN=1 npx vitest run packages/kit/test/stack-compose.test.ts`. */
const GOLDEN = join(import.meta.dirname, 'golden');
const UPDATE = process.env.SIGHTLINE_UPDATE_GOLDEN === '1';
const CLI = join(import.meta.dirname, '../../cli/dist/bin.js');
if (!existsSync(CLI)) console.warn('skipped: packages/cli is not built (npm run build); CLI exit-code tests need it');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-stack-'));
  dirs.push(dir);
  return dir;
}

function generate(raw: unknown = {}, dir = tempDir()): string {
  writeOutputs(dir, composeStackFiles(parseConfig(raw)));
  return dir;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

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

interface ComposeService {
  image: string;
  restart?: string;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  deploy?: { resources: { limits: { cpus: string; memory: string } } };
  depends_on?: unknown;
  environment?: Record<string, string>;
}

describe('sightline stack compose', () => {
  const dir = generate();
  const compose = parse(read(dir, 'docker-compose.yaml')) as {
    services: Record<string, ComposeService>;
    volumes: Record<string, unknown>;
  };

  for (const file of ['docker-compose.yaml', 'alloy/config.alloy']) {
    it(`${file} matches its golden file`, () => {
      const golden = join(GOLDEN, file.replace('alloy/', ''));
      if (UPDATE) writeFileSync(golden, read(dir, file));
      expect(read(dir, file)).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('every generated YAML and JSON file parses', () => {
    const manifest = JSON.parse(read(dir, '.sightline-manifest.json')) as { files: Record<string, string> };
    const paths = Object.keys(manifest.files);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      if (/\.ya?ml$/.test(path)) expect(() => parse(read(dir, path)), path).not.toThrow();
      if (path.endsWith('.json')) expect(() => JSON.parse(read(dir, path)), path).not.toThrow();
    }
  });

  it('publishes the contract ports on 127.0.0.1 by default: Grafana 3000, Loki 3100, Tempo 3200, Mimir 9009, Alloy 4317/4318/12345', () => {
    const published = Object.values(compose.services).flatMap((s) => s.ports ?? []);
    for (const port of [3000, 3100, 3200, 9009, 4317, 4318, 12345]) {
      expect(published).toContain(`\${SIGHTLINE_BIND_ADDRESS:-127.0.0.1}:${port}:${port}`);
    }
  });

  it('pins every image, and gives each long-running service a restart policy, resource limits and a health signal', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.image, name).toMatch(/^[a-z/]+:v?\d+\.\d+\.\d+$/);
      if (name === 'init-volumes') continue;
      expect(service.restart, name).toBe('unless-stopped');
      expect(service.deploy?.resources.limits.memory, name).toMatch(/^\d+[MG]$/);
    }
    for (const name of ['grafana', 'alloy', 'alertmanager', 'readiness'])
      expect(compose.services[name]?.healthcheck, name).toBeDefined();
    // Loki, Tempo and Mimir are distroless: the readiness probe checks their /ready endpoints for them.
    const probe = compose.services.readiness?.healthcheck?.test.join(' ') ?? '';
    for (const url of ['http://loki:3100/ready', 'http://tempo:3200/ready', 'http://mimir:9009/ready'])
      expect(probe).toContain(url);
    expect(compose.services.grafana?.depends_on).toMatchObject({ readiness: { condition: 'service_healthy' } });
  });

  it('mounts only files it generated and declares every named volume', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('./')) expect(existsSync(join(dir, source)), `${name}: ${source}`).toBe(true);
        else expect(compose.volumes, `${name}: ${source}`).toHaveProperty(source as string);
      }
    }
  });

  it('generates a random Grafana admin password into .env (mode 600), never admin, and keeps it on re-runs', () => {
    const env = read(dir, '.env');
    const password = /GRAFANA_ADMIN_PASSWORD=(.+)/.exec(env)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(password).not.toBe('admin');
    expect(statSync(join(dir, '.env')).mode & 0o777).toBe(0o600);
    expect(read(generate(), '.env')).not.toBe(env);
    writeOutputs(dir, composeStackFiles(parseConfig({})));
    expect(read(dir, '.env')).toBe(env);
    writeOutputs(dir, composeStackFiles(parseConfig({})), { force: true });
    expect(read(dir, '.env'), '--force never rotates the password').toBe(env);
    expect(read(dir, '.env.example')).toMatch(/^GRAFANA_ADMIN_PASSWORD=$/m);
    expect(read(dir, '.gitignore')).toMatch(/^\.env$/m);
    const grafana = compose.services.grafana?.environment ?? {};
    expect(grafana.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?/);
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
  });

  it('provisions Grafana with the three data sources correlated both ways', () => {
    const { datasources } = parse(read(dir, 'grafana/provisioning/datasources/sightline.yaml')) as {
      datasources: Array<{ uid: string; type: string; jsonData: Record<string, unknown> }>;
    };
    const byUid = Object.fromEntries(datasources.map((d) => [d.uid, d]));
    expect(byUid.mimir?.jsonData.exemplarTraceIdDestinations).toEqual([
      { name: 'trace_id', datasourceUid: 'tempo', urlDisplayLabel: 'View trace' },
    ]);
    expect((byUid.loki?.jsonData.derivedFields as unknown[] | undefined)?.[0]).toMatchObject({
      matcherType: 'label',
      matcherRegex: '^trace_id$',
      datasourceUid: 'tempo',
      url: '$${__value.raw}',
    });
    const tempo = (byUid.tempo?.jsonData ?? {}) as {
      tracesToLogsV2: { query: string };
      tracesToMetrics: { queries: Array<{ query: string }> };
      serviceMap: unknown;
    };
    expect(tempo.tracesToLogsV2).toMatchObject({ datasourceUid: 'loki', filterByTraceID: true });
    expect(tempo.serviceMap).toEqual({ datasourceUid: 'mimir' });
    // Grafana reads `$$` as a literal `$`; after that, and its own link variables, the queries must parse.
    const logql = tempo.tracesToLogsV2.query
      .replaceAll('$$', '$')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana link variables
      .replace('${__tags}', 'service_name="checkout"')
      // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana link variables
      .replace('${__trace.traceId}', 'abc');
    expect(syntaxErrors(logqlParser, logql), logql).toBe(0);
    for (const { query } of tempo.tracesToMetrics.queries) {
      const promql = query.replaceAll('$$', '$').replace('$__tags', 'service_name="checkout"');
      expect(syntaxErrors(promqlParser, promql), promql).toBe(0);
    }
  });

  it('wires Alloy OTLP → memory limiter → batch → Tempo, Loki (OTLP, trace ids as structured metadata) and Mimir (exemplars)', () => {
    const alloy = read(dir, 'alloy/config.alloy');
    const defined = new Set([...alloy.matchAll(/^([a-z_.]+) "([a-z_]+)" \{/gm)].map((m) => `${m[1]}.${m[2]}`));
    const referenced = [...alloy.matchAll(/\[([a-z_.]+)\.(input|receiver)\]/g)].map((m) => m[1] as string);
    expect(referenced.length).toBeGreaterThan(5);
    for (const ref of referenced) expect(defined, ref).toContain(ref);
    expect(alloy.split('{').length).toBe(alloy.split('}').length);
    expect(alloy).toContain('endpoint = "http://loki:3100/otlp"');
    expect(alloy).toContain('send_exemplars = true');
    expect(alloy.indexOf('otelcol.processor.memory_limiter "default"')).toBeLessThan(
      alloy.indexOf('otelcol.processor.batch "default"'),
    );
  });

  it('applies retention from the config to Loki, Tempo and Mimir', () => {
    const custom = generate({ retention: { logs: '7d', traces: '48h', metrics: '90d' } });
    expect(parse(read(custom, 'loki/loki.yaml')).limits_config.retention_period).toBe('168h');
    expect(parse(read(custom, 'tempo/tempo.yaml')).compactor.compaction.block_retention).toBe('48h');
    expect(parse(read(custom, 'mimir/mimir.yaml')).limits.compactor_blocks_retention_period).toBe('90d');
  });

  it('refuses to overwrite a file the user changed, names it, and writes nothing; --force overwrites', () => {
    const out = generate();
    writeFileSync(join(out, 'loki/loki.yaml'), `${read(out, 'loki/loki.yaml')}# my tuning\n`);
    const tempoBefore = read(out, 'tempo/tempo.yaml');
    const again = () => writeOutputs(out, composeStackFiles(parseConfig({ retention: { traces: '1d' } })));
    expect(again).toThrow(
      expect.objectContaining({
        code: 'SIGHTLINE_ERR_OUTPUT_CHANGED',
        message: expect.stringContaining('loki/loki.yaml'),
      }),
    );
    expect(read(out, 'tempo/tempo.yaml')).toBe(tempoBefore);
    writeOutputs(out, composeStackFiles(parseConfig({ retention: { traces: '1d' } })), { force: true });
    expect(read(out, 'loki/loki.yaml')).not.toContain('# my tuning');
    expect(parse(read(out, 'tempo/tempo.yaml')).compactor.compaction.block_retention).toBe('24h');
  });

  it("treats every existing file as the user's when the manifest is unreadable (the safe direction)", () => {
    const out = generate();
    writeFileSync(join(out, '.sightline-manifest.json'), '{ not json');
    writeFileSync(join(out, 'mimir/mimir.yaml'), 'mine: true\n');
    expect(() => writeOutputs(out, composeStackFiles(parseConfig({})))).toThrow(/mimir\/mimir\.yaml/);
    // Files whose content is still exactly what we would write are fine without a manifest.
    writeFileSync(
      join(out, 'mimir/mimir.yaml'),
      composeStackFiles(parseConfig({})).find((f) => f.path === 'mimir/mimir.yaml')?.content ?? '',
    );
    expect(() => writeOutputs(out, composeStackFiles(parseConfig({})))).not.toThrow();
  });

  it('refuses an --out that is an existing file', () => {
    const file = join(tempDir(), 'deploy');
    writeFileSync(file, 'not a directory\n');
    expect(() => writeOutputs(file, composeStackFiles(parseConfig({})))).toThrow(
      expect.objectContaining({
        code: 'SIGHTLINE_ERR_OUTPUT_NOT_DIRECTORY',
        message: expect.stringContaining('is not a directory'),
      }),
    );
  });

  it('refuses to replace a file sightline did not write', () => {
    const out = tempDir();
    writeFileSync(join(out, 'README.md'), '# my project\n');
    expect(() => writeOutputs(out, composeStackFiles(parseConfig({})))).toThrow(
      /README\.md was changed since sightline wrote it \(or not written by sightline\)/,
    );
    expect(read(out, 'README.md')).toBe('# my project\n');
  });

  it.skipIf(!existsSync(CLI))(
    'the CLI writes to --out, exits 2 with the error code on bad config and 2 on a changed file',
    () => {
      const cwd = tempDir();
      const ok = spawnSync(process.execPath, [CLI, 'stack', 'compose', '--out', 'lgtm'], { cwd, encoding: 'utf8' });
      expect(ok.status, ok.stderr).toBe(0);
      expect(ok.stdout).toContain('wrote docker-compose.yaml');
      writeFileSync(join(cwd, 'lgtm/mimir/mimir.yaml'), 'changed: true\n');
      const changed = spawnSync(process.execPath, [CLI, 'stack', 'compose', '--out', 'lgtm'], {
        cwd,
        encoding: 'utf8',
      });
      expect(changed.status).toBe(2);
      expect(changed.stderr).toMatch(/^error SIGHTLINE_ERR_OUTPUT_CHANGED: .*mimir\/mimir\.yaml/);
      writeFileSync(
        join(cwd, 'sightline.config.yaml'),
        'alerts:\n  receivers:\n    - { name: x, type: email, severities: [page] }\n',
      );
      const bad = spawnSync(process.execPath, [CLI, 'alerts'], { cwd, encoding: 'utf8' });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('error SIGHTLINE_ERR_CONFIG_INVALID:');
      expect(bad.stderr).toContain('alerts.receivers[0].type');
      expect(existsSync(join(cwd, 'deploy'))).toBe(false);
    },
  );
});
