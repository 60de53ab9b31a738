// `node --import @sightline/node/register app.mjs`: registers the import-in-the-middle loader hook (so ESM imports
// of instrumented packages are seen), scoped to the packages we instrument, then starts the SDK.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { resolveConfig } = require('./config.js') as typeof import('./config.js');
const { setQuiet } = require('./diagnostics.js') as typeof import('./diagnostics.js');
const { plannedOfficial, isEnabled } =
  require('./instrumentations/loader.js') as typeof import('./instrumentations/loader.js');

// Read quietly here: init() (in register.js) reads the configuration again and reports each problem once.
setQuiet(true);
const cfg = resolveConfig();
setQuiet(false);
if (!cfg.disabled) {
  const include = plannedOfficial(cfg).flatMap((spec) => spec.targets);
  if (isEnabled(cfg, 'pino')) include.push('pino');
  if (include.length > 0 && typeof register === 'function') {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
    (globalThis as Record<symbol, unknown>)[Symbol.for('sightline.iitm')] = true;
  }
}
require('./register.js');
