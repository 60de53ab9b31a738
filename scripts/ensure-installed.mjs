// Lets `npm start` and `npm test` work straight after a fresh clone: installs from the lockfile when
// node_modules is missing or older than package-lock.json. Uses only Node built-ins on purpose.
import { installFromLockfile } from './lockfile-install.mjs';

installFromLockfile('.', "the repository's dependencies", { env: process.env });
