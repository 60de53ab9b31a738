// `node --import @sightline/node/register app.mjs`: starts the SDK, after registering the import-in-the-middle loader
// hook where an ES module app needs it. The hook runs on a loader thread that costs ~100 ms of start-up, and our
// require hook sees CommonJS packages load however they are loaded (pino, and the packages of official
// instrumentations that patch in place), so it is registered only for an ES module entry point, scoped to the
// packages of the instrumentations that need it (graphql, grpc; see esmHook in instrumentations/loader.ts), and only
// when one of them resolves from the app.
import { createRequire, register } from 'node:module';

const require = createRequire(import.meta.url);
const { resolveConfig } = require('./config.js') as typeof import('./config.js');
const { setQuiet } = require('./diagnostics.js') as typeof import('./diagnostics.js');
const { esmHookTargets } = require('./instrumentations/loader.js') as typeof import('./instrumentations/loader.js');
const { isCommonJsEntry } = require('./entry-format.js') as typeof import('./entry-format.js');

// Read quietly here: init() (in register.js) reads the configuration again and reports each problem once.
setQuiet(true);
const cfg = resolveConfig();
setQuiet(false);
if (!cfg.disabled && typeof register === 'function' && !isCommonJsEntry(process.argv[1])) {
  const include = esmHookTargets(cfg);
  if (include.length > 0) {
    register('import-in-the-middle/hook.mjs', import.meta.url, { data: { include } });
    // The packages the hook sees: init() loads their instrumentations at start (without resolving them again).
    (globalThis as Record<symbol, unknown>)[Symbol.for('sightline.iitm')] = include;
  }
}
require('./register.js');
