// `node --import @sightline/node/register app.js` (ES module and CommonJS apps): the same as --require (register.ts).
import { createRequire } from 'node:module';

createRequire(import.meta.url)('./register.js');
