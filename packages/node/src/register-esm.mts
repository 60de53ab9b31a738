// `node --import @sightline/node/register app.js` (ES module and CommonJS apps): init() from environment, as with
// --require (register.ts), except that ES module target packages Node cannot require() are loaded with import() before
// the app runs (esm-preload.ts), not hooked: the app's entry is evaluated only after this module's top-level await.
// Main thread only, as with --require.
import { createRequire } from 'node:module';
import { isMainThread } from 'node:worker_threads';

if (isMainThread) {
  const { initFromImport } = createRequire(import.meta.url)('./sdk.js') as typeof import('./sdk.js');
  await initFromImport();
}
