// Lets `npm start` and `npm test` work straight after a fresh clone: installs from the lockfile when
// node_modules is missing or older than package-lock.json. Uses only Node built-ins on purpose.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';

const marker = 'node_modules/.package-lock.json';
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs;
if (stale) {
  console.log('sightline: installing dependencies from package-lock.json (npm ci)…');
  execSync('npm ci --no-audit --no-fund', { stdio: 'inherit' });
}
