import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentStartScript, unifiedDiff } from '../src/init/index.js';
import { SIGHTLINE_NODE_DIR } from './fixtures/instrumentation.js';
import { runCli } from './fixtures/run-cli.js';

const FIXTURES = new URL('./fixtures/init/', import.meta.url).pathname;
let tmp: string;
let n = 0;

/** A fresh copy of a fixture project in its own temp dir. */
function copy(name: string): string {
  const dir = join(tmp, `${name}-${n++}`);
  cpSync(join(FIXTURES, name), dir, { recursive: true });
  return dir;
}
const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sightline-init-plan-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('sightline init asks before it changes anything', () => {
  it('--dry-run prints the unified diff and changes nothing', async () => {
    const dir = copy('express-esm');
    const before = read(dir, 'package.json');
    const run = await runCli(['init', '--dir', dir, '--dry-run']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--- a/package.json\n+++ b/package.json\n');
    expect(run.stdout).toContain(
      '-    "start": "node server.js"\n+    "start": "node --import @sightline/node/register server.js"',
    );
    expect(run.stdout).toContain('+++ b/.env.example');
    expect(run.stdout).toContain('dry run: nothing was changed');
    expect(read(dir, 'package.json')).toBe(before);
    expect(existsSync(join(dir, '.env.example'))).toBe(false);
  });

  it('without a terminal and without --yes it refuses, says how to proceed, and changes nothing (exit 2)', async () => {
    const dir = copy('fastify-cjs');
    const before = read(dir, 'package.json');
    const run = await runCli(['init', '--dir', dir, '--no-install']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('+++ b/package.json');
    expect(run.stderr).toContain(
      'SIGHTLINE_ERR_INIT_NOT_CONFIRMED: existing files would change and there is no terminal to confirm; nothing was changed. Re-run with --yes',
    );
    expect(read(dir, 'package.json')).toBe(before);
  });

  it('answering "n" on stdin leaves the project alone (exit 1); "y" applies the plan', async () => {
    const dir = copy('koa-env-prefix');
    const before = read(dir, 'package.json');
    const no = await runCli(['init', '--dir', dir, '--no-install'], { input: 'n\n' });
    expect(no.code).toBe(1);
    expect(no.stderr).toContain('not confirmed: nothing was changed');
    expect(read(dir, 'package.json')).toBe(before);
    const yes = await runCli(['init', '--dir', dir, '--no-install'], { input: 'y\n' });
    expect(yes.code, yes.stderr).toBe(0);
    expect(JSON.parse(read(dir, 'package.json')).scripts.start).toBe(
      'NODE_ENV=production node --import @sightline/node/register src/index.js',
    );
    // Existing .env.example lines are kept; only the missing OTEL_* variables are appended.
    const env = read(dir, '.env.example');
    expect(
      env.startsWith(
        '# Existing variables stay as they are.\nDATABASE_URL=postgres://localhost/orders\nOTEL_SERVICE_NAME=orders-koa\n',
      ),
    ).toBe(true);
    expect(env.match(/^OTEL_SERVICE_NAME=/gm)).toHaveLength(1);
    expect(env).toContain('OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4317');
  });

  it('keeps the indentation and key order of package.json', async () => {
    const dir = copy('fastify-cjs');
    await runCli(['init', '--dir', dir, '--yes', '--no-install']);
    const pkg = read(dir, 'package.json');
    expect(pkg).toContain('\n    "name": "orders-fastify",');
    expect(Object.keys(JSON.parse(pkg))).toEqual(['name', 'version', 'private', 'main', 'scripts', 'dependencies']);
    expect(JSON.parse(pkg).scripts.test).toBe('node --test');
    expect(JSON.parse(pkg).dependencies).toEqual({ '@sightline/node': '^0.1.0', fastify: '^5.2.0' });
  });
});

describe('sightline init per framework and package manager', () => {
  it('Next.js gets instrumentation.ts with the Node.js runtime guard, and its scripts stay as they are', async () => {
    const dir = copy('nextjs-app');
    const scripts = JSON.parse(read(dir, 'package.json')).scripts;
    const run = await runCli(['init', '--dir', dir, '--yes', '--no-install']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('detected: npm, CommonJS, TypeScript, Next.js');
    expect(read(dir, 'instrumentation.ts')).toContain("if (process.env.NEXT_RUNTIME === 'nodejs') {\n    // Traces");
    expect(read(dir, 'instrumentation.ts')).toContain("await import('@sightline/node/register');");
    expect(JSON.parse(read(dir, 'package.json')).scripts).toEqual(scripts);
    // Without moduleResolution Next.js would fill in "node", under which the exports subpath does not resolve.
    expect(JSON.parse(read(dir, 'tsconfig.json')).compilerOptions).toEqual({
      moduleResolution: 'bundler',
      strict: true,
      jsx: 'preserve',
    });
    const again = await runCli(['init', '--dir', dir, '--yes', '--no-install']);
    expect(again.stdout).toContain('already set up: nothing to change');
  });

  it('Next.js with its own register() hook keeps it and loads @sightline/node first', async () => {
    const dir = copy('nextjs-app');
    writeFileSync(join(dir, 'instrumentation.ts'), "export function register() {\n  console.log('booting');\n}\n");
    await runCli(['init', '--dir', dir, '--yes', '--no-install']);
    const hook = read(dir, 'instrumentation.ts');
    expect(hook).toMatch(/^export async function register\(\) \{\n {2}if \(process\.env\.NEXT_RUNTIME === 'nodejs'\)/);
    expect(hook).toContain("  console.log('booting');\n}");
  });

  it('Next.js with moduleResolution "node" gets "bundler", the rest of tsconfig.json untouched', async () => {
    const dir = copy('nextjs-app');
    const tsconfig =
      '{\n  // comments survive: tsconfig is JSONC\n  "compilerOptions": {\n    "moduleResolution": "node",\n    "jsx": "preserve"\n  }\n}\n';
    writeFileSync(join(dir, 'tsconfig.json'), tsconfig);
    const run = await runCli(['init', '--dir', dir, '--yes', '--no-install']);
    expect(run.stdout).toContain('-    "moduleResolution": "node",\n+    "moduleResolution": "bundler",');
    expect(read(dir, 'tsconfig.json')).toBe(tsconfig.replace('"node"', '"bundler"'));
  });

  it('detects pnpm from packageManager and tells the user to run pnpm', async () => {
    const dir = copy('pnpm-plain');
    const run = await runCli(['init', '--dir', dir, '--yes', '--no-install']);
    expect(run.stdout).toContain('detected: pnpm, CommonJS, JavaScript, no known framework, "start": node worker.js');
    expect(run.stdout).toContain('then pnpm start');
  });

  it('warns when the project already sets up another OpenTelemetry SDK', async () => {
    const dir = copy('express-esm');
    const pkg = JSON.parse(read(dir, 'package.json'));
    pkg.scripts.start = 'node --require ./tracing.cjs server.js';
    pkg.dependencies['@opentelemetry/sdk-node'] = '^0.223.0';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    const run = await runCli(['init', '--dir', dir, '--dry-run']);
    expect(run.stdout).toContain(
      'note: this project already sets up OpenTelemetry (dependency @opentelemetry/sdk-node); remove that setup, or spans are recorded twice.',
    );
  });

  it('detects yarn from yarn.lock', async () => {
    const dir = copy('express-esm');
    writeFileSync(join(dir, 'yarn.lock'), '# yarn lockfile v1\n');
    const run = await runCli(['init', '--dir', dir, '--dry-run']);
    expect(run.stdout).toContain('detected: yarn, ESM, JavaScript, Express');
  });

  it('installs @sightline/node with the package manager when not told otherwise', async () => {
    const dir = join(tmp, 'install-me');
    cpSync(join(FIXTURES, 'pnpm-plain'), dir, { recursive: true });
    rmSync(join(dir, 'pnpm-lock.yaml'));
    const pkg = JSON.parse(read(dir, 'package.json'));
    delete pkg.packageManager;
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    const run = await runCli(['init', '--dir', dir, '--yes', '--node-package', SIGHTLINE_NODE_DIR]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('installing: npm install --no-audit --no-fund');
    expect(lstatSync(join(dir, 'node_modules/@sightline/node')).isSymbolicLink()).toBe(true);
    const loaded = spawnSync(process.execPath, ['--import', '@sightline/node/register', '-e', 'console.log("ok")'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, OTEL_SDK_DISABLED: 'true' },
    });
    expect(loaded.stdout.trim()).toBe('ok');
  });

  it('fails with a clear error when there is no package.json', async () => {
    const run = await runCli(['init', '--dir', tmp]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`SIGHTLINE_ERR_INIT_NO_PROJECT: no package.json in ${tmp}`);
  });
});

describe('start scripts and diffs', () => {
  it('puts the flag right after node or tsx and keeps env prefixes and build steps', () => {
    expect(instrumentStartScript('node dist/main.js')?.after).toBe(
      'node --import @sightline/node/register dist/main.js',
    );
    expect(instrumentStartScript('node --env-file=.env server.js')?.after).toBe(
      'node --import @sightline/node/register --env-file=.env server.js',
    );
    expect(instrumentStartScript('npm run build && PORT=3000 tsx src/index.ts')?.after).toBe(
      'npm run build && PORT=3000 tsx --import @sightline/node/register src/index.ts',
    );
    expect(instrumentStartScript('nest start')?.after).toBe(
      'NODE_OPTIONS="--import @sightline/node/register" nest start',
    );
    expect(instrumentStartScript('node --import @sightline/node/register app.js')).toBeUndefined();
  });

  it('prints diffs that patch(1) applies', () => {
    const patch = spawnSync('patch', ['--version']);
    if (patch.status !== 0) {
      console.warn('skipped: patch(1) is not installed');
      return;
    }
    const before = 'a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\n';
    const after = 'a\nB\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n';
    const file = join(tmp, 'patched.txt');
    writeFileSync(file, before);
    const run = spawnSync('patch', [file], { input: unifiedDiff('patched.txt', before, after), encoding: 'utf8' });
    expect(run.status, run.stderr + run.stdout).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(after);
  });
});
