// Installs the test apps that are projects of their own, from their lockfiles, when missing or older than the
// lockfile. They are not workspaces because hoisting would mix them with the repository's own dependencies (NestJS 12
// beside the NestJS 11 example). Run by `npm test` (pretest); uses only Node built-ins on purpose.
import { installFromLockfile } from './lockfile-install.mjs';

const APPS = ['packages/node/test/fixtures/nestjs-12', 'packages/node/test/fixtures/pino-8'];

for (const dir of APPS) {
  try {
    installFromLockfile(dir, `the test app ${dir}`);
  } catch {
    console.warn(`sightline: could not install ${dir}; the tests that need it will say they are skipped`);
  }
}
