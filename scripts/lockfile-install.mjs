// `npm ci` in a directory when its node_modules is missing or older than its package-lock.json: shared by the
// scripts that install the repository (ensure-installed.mjs), its test apps (install-test-apps.mjs) and the Node.js
// releases the suite also runs on (test-on-node.mjs). Uses only Node built-ins on purpose.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

// The npm running a script passes its own settings down (npm_config_local_prefix names the repository root): an
// install in another directory must see only that directory.
const withoutNpmSettings = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)),
);

/** True when `dir` needs `npm ci`: no node_modules, or one older than the lockfile. */
function isStale(dir) {
  const marker = join(dir, 'node_modules', '.package-lock.json');
  return !existsSync(marker) || statSync(marker).mtimeMs < statSync(join(dir, 'package-lock.json')).mtimeMs;
}

/**
 * Runs `npm ci` (plus `flags`) in `dir` if it is stale; throws if npm fails. `env` defaults to this process's
 * environment without the npm settings of the npm running it (the repository's own install keeps them).
 */
export function installFromLockfile(dir, what, { flags = [], env = withoutNpmSettings } = {}) {
  if (!isStale(dir)) return;
  console.log(`sightline: installing ${what} from its package-lock.json (npm ci)…`);
  execSync(['npm ci --no-audit --no-fund', ...flags].join(' '), { cwd: dir, env, stdio: 'inherit' });
}
