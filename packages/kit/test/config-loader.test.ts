import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig } from '../src/config/index.js';

const SOURCE_LOADER = join(import.meta.dirname, '../src/config/load-config.ts');
const DIST_LOADER = join(import.meta.dirname, '../dist/config/load-config.js');
if (!existsSync(DIST_LOADER))
  console.warn('skipped: packages/kit is not built (npm run build), cannot run the loader under plain Node');

/** A script printing the loaded project name, or the error code and message. */
function printProject(loader: string, cwd: string): string {
  return `import(${JSON.stringify(pathToFileURL(loader).href)}).then((m) => m.loadConfig({ cwd: ${JSON.stringify(cwd)} })).then((r) => console.log(r.config.project), (e) => console.log(e.code, e.message));`;
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sightline-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

describe('sightline.config', () => {
  it('with no file and no flags gives generic defaults: no fixed services, 99.9 % availability and p99 < 500 ms over 30 days', async () => {
    const { config, source } = await loadConfig({ cwd: dir });
    expect(source).toBeUndefined();
    expect(config.services).toEqual([]);
    expect(config.slos).toEqual([
      { name: 'availability', type: 'availability', objective: 0.999, windowSeconds: 30 * 86400 },
      { name: 'latency', type: 'latency', objective: 0.99, windowSeconds: 30 * 86400, thresholdSeconds: 0.5 },
    ]);
    expect(config.alerts.receivers.map((r) => [r.type, r.severities])).toEqual([
      ['pagerduty', ['page']],
      ['slack', ['ticket']],
    ]);
  });

  it('reads sightline.config.yaml from the working directory', async () => {
    writeFileSync(
      join(dir, 'sightline.config.yaml'),
      'services:\n  - name: checkout\n  - name: payments\nretention:\n  logs: 7d\n',
    );
    const { config, source } = await loadConfig({ cwd: dir });
    expect(source).toBe(join(dir, 'sightline.config.yaml'));
    expect(config.services).toEqual(['checkout', 'payments']);
    expect(config.retentionSeconds.logs).toBe(7 * 86400);
  });

  it('loads an ES module config (sightline.config.mjs) through import()', async () => {
    writeFileSync(
      join(dir, 'sightline.config.mjs'),
      'export default { project: "shop", slos: [{ name: "fast", type: "latency", objective: 95, threshold: "250ms" }] };\n',
    );
    const { config } = await loadConfig({ cwd: dir });
    expect(config.project).toBe('shop');
    expect(config.slos).toEqual([
      { name: 'fast', type: 'latency', objective: 0.95, windowSeconds: 30 * 86400, thresholdSeconds: 0.25 },
    ]);
  });

  it('names the --service flag, not the file, when a service is given twice on the command line', async () => {
    const error = await rejection(loadConfig({ cwd: dir, services: ['a', 'b', 'a'] }));
    expect(error).toMatchObject({
      code: 'SIGHTLINE_ERR_CONFIG_INVALID',
      message: '--service: "a" is given twice; list each service once',
    });
  });

  it('--service flags replace the services of the file', async () => {
    writeFileSync(join(dir, 'sightline.config.json'), JSON.stringify({ services: [{ name: 'a' }] }));
    const { config } = await loadConfig({ cwd: dir, services: ['b', 'c'] });
    expect(config.services).toEqual(['b', 'c']);
  });

  it('rejects an objective of 101 % naming the field, the value and what is accepted', () => {
    const error = (() => {
      try {
        parseConfig(
          { slos: [{ name: 'availability', type: 'availability', objective: 101 }] },
          'sightline.config.json',
        );
      } catch (e) {
        return e as { code: string; message: string };
      }
      throw new Error('expected an error');
    })();
    expect(error.code).toBe('SIGHTLINE_ERR_CONFIG_INVALID');
    expect(error.message).toContain('sightline.config.json: slos[0].objective');
    expect(error.message).toContain('(got 101)');
    expect(error.message).toContain('less than 100');
  });

  it('rejects an unknown receiver type and lists the accepted ones', () => {
    expect(() =>
      parseConfig({ alerts: { receivers: [{ name: 'mail', type: 'email', severities: ['page'] }] } }),
    ).toThrow(/alerts\.receivers\[0\]\.type: .*"slack"\|"pagerduty".*\(got "email"\)/);
  });

  it('rejects a duplicate service naming its position', () => {
    expect(() => parseConfig({ services: [{ name: 'checkout' }, { name: 'checkout' }] })).toThrow(
      /services\[1\]\.name: duplicate service.*\(got "checkout"\)/,
    );
  });

  it('rejects a latency threshold that is not a histogram bucket boundary and lists the boundaries', () => {
    expect(() => parseConfig({ slos: [{ name: 'l', type: 'latency', objective: 99, threshold: '300ms' }] })).toThrow(
      /slos\[0\]\.threshold: "300ms" is not a bucket boundary.*250ms, 500ms/,
    );
  });

  it('rejects unknown fields instead of ignoring a typo', () => {
    expect(() => parseConfig({ servics: [] })).toThrow(/SIGHTLINE_ERR_CONFIG_INVALID|servics/);
  });

  it('reports a missing --config file and a syntax error with their codes', async () => {
    expect(await rejection(loadConfig({ cwd: dir, configPath: 'nope.yaml' }))).toMatchObject({
      code: 'SIGHTLINE_ERR_CONFIG_NOT_FOUND',
    });
    writeFileSync(join(dir, 'sightline.config.json'), '{ "services": [');
    const parse = await rejection(loadConfig({ cwd: dir }));
    expect(parse.code).toBe('SIGHTLINE_ERR_CONFIG_PARSE');
    expect(parse.message).toContain('sightline.config.json');
  });

  it('loads sightline.config.ts when run through a TypeScript loader (tsx)', () => {
    writeFileSync(
      join(dir, 'sightline.config.ts'),
      'const config: { project: string } = { project: "typed" };\nexport default config;\n',
    );
    const run = spawnSync(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', printProject(SOURCE_LOADER, dir)],
      { encoding: 'utf8' },
    );
    expect(run.stdout.trim()).toBe('typed');
  });

  // Node 22.18+ strips TypeScript types itself (process.features.typescript); older Node needs a loader.
  const nodeStripsTypes = Boolean((process.features as { typescript?: unknown }).typescript);
  it.skipIf(!existsSync(DIST_LOADER))(
    nodeStripsTypes
      ? "without a TypeScript loader loads sightline.config.ts with Node's own type stripping"
      : 'without a TypeScript loader explains how to use sightline.config.ts instead of failing obscurely',
    () => {
      writeFileSync(
        join(dir, 'sightline.config.ts'),
        'const config: { project: string } = { project: "typed" };\nexport default config;\n',
      );
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', printProject(DIST_LOADER, dir)], {
        encoding: 'utf8',
      });
      if (nodeStripsTypes) {
        expect(run.stdout.trim()).toBe('typed');
        return;
      }
      expect(run.stdout).toContain('SIGHTLINE_ERR_CONFIG_UNSUPPORTED');
      expect(run.stdout).toContain('node --import tsx');
      expect(run.stdout).toContain('Node.js 22.18');
    },
  );
});
