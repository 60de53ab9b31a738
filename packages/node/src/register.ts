// `node --require @sightline/node/register app.js`: init() from environment, with the ESM loader hook where an
// installed target package is ES module code (`--import` runs register-esm.mts instead). Main thread only: worker
// threads inherit --require, and so does the ES module loader's hooks thread whenever a loader hook is registered
// (ours, or a TypeScript loader's): an SDK started there would export a second set of runtime metrics for the same
// service and register the hook a second time. A worker that should send telemetry calls init() itself.
import { isMainThread } from 'node:worker_threads';
import { initFromRegister } from './sdk.js';

if (isMainThread) initFromRegister();
