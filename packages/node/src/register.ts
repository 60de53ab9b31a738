// `node --require @sightline/node/register app.cjs` (and the CJS half of `--import`): init() from environment.
import { init } from './sdk.js';

init();
