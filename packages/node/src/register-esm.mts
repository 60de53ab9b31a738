// `node --import @sightline/node/register app.mjs`: registers the import-in-the-middle loader hook (so ESM imports
// of the packages official instrumentations patch are seen), scoped to those packages, then starts the SDK.
// The hook runs on a loader thread that costs ~100 ms of start-up, so it is registered only when it can matter: not
// for a CommonJS entry point (its packages are required, and the require hook sees them, as with --require), and not
// when no such package resolves (pino, the one we wrap ourselves, is seen as it loads, however it is loaded).
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { resolveConfig } = require('./config.js') as typeof import('./config.js');
const { setQuiet } = require('./diagnostics.js') as typeof import('./diagnostics.js');
const { plannedOfficial } = require('./instrumentations/loader.js') as typeof import('./instrumentations/loader.js');
const { isCommonJsEntry } = require('./entry-format.js') as typeof import('./entry-format.js');

// Read quietly here: init() (in register.js) reads the configuration again and reports each problem once.
setQuiet(true);
const cfg = resolveConfig();
setQuiet(false);
if (!cfg.disabled && typeof register === 'function' && !isCommonJsEntry(process.argv[1])) {
  const include = plannedOfficial(cfg).flatMap((spec) => spec.targets);
  if (include.length > 0) {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
    (globalThis as Record<symbol, unknown>)[Symbol.for('sightline.iitm')] = true;
  }
}
require('./register.js');
