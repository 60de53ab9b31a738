// `node --import @sightline/node/register app.js` (ES module and CommonJS apps): init() from environment. No ESM
// loader hook is registered (it would run on a loader thread costing ~100 ms of start-up): our hook on CommonJS
// loading sees pino and every package an official instrumentation patches load, whether required or imported (see
// instrumentations/loader.ts).
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./register.js');
