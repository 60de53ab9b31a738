// `node --require @sightline/node/register app.js`: init() from environment; an installed target package that is ES
// module code is loaded and patched before the app (esm-preload.ts), or gets the ESM loader hook where Node cannot
// require() ES modules (`--import` runs register-esm.mts instead). Main thread only: worker
// threads inherit --require, and so does the ES module loader's hooks thread whenever a loader hook is registered
// (ours, or a TypeScript loader's): an SDK started there would export a second set of runtime metrics for the same
// service and register the hook a second time. A worker that should send telemetry calls init() itself.
import { isMainThread } from 'node:worker_threads';
import { initFromRegister } from './sdk.js';

if (isMainThread) initFromRegister();
