// Installs the test apps that are projects of their own, from their lockfiles, when missing or older than the
// lockfile. They are not workspaces because hoisting would mix them with the repository's own dependencies (NestJS 12
// beside the NestJS 11 example). Run by `npm test` (pretest); uses only Node built-ins on purpose.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const APPS = ['packages/node/test/fixtures/nestjs-12', 'packages/node/test/fixtures/pino-8'];

// The npm running this script passes its own settings down (npm_config_local_prefix names the repository root):
// the install must see only the app's directory.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_(config|package|lifecycle)_/i.test(key)),
);

for (const dir of APPS) {
  const marker = `${dir}/node_modules/.package-lock.json`;
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(`${dir}/package-lock.json`).mtimeMs) continue;
  console.log(`sightline: installing the test app ${dir} from its package-lock.json (npm ci)…`);
  try {
    execSync('npm ci --no-audit --no-fund', { cwd: dir, env, stdio: 'inherit' });
  } catch {
    console.warn(`sightline: could not install ${dir}; the tests that need it will say they are skipped`);
  }
}
