// `node --require @sightline/node/register app.js`, and what `--import @sightline/node/register` runs: the ESM loader
// hook where an installed target package needs it (esm-hook.ts), then init() from environment.
import { resolveConfig } from './config.js';
import { setQuiet } from './diagnostics.js';
import { registerEsmHook } from './esm-hook.js';
import { esModuleTargets } from './instrumentations/loader.js';
import { init } from './sdk.js';

// Read quietly: init() reads the configuration again and reports each problem once (or throws, in strict mode).
setQuiet(true);
try {
  const cfg = resolveConfig();
  if (!cfg.disabled) registerEsmHook(esModuleTargets(cfg));
} catch {
  // init() reports it
} finally {
  setQuiet(false);
}
init();
