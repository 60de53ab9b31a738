// `node --require @sightline/node/register app.js`, and what `--import @sightline/node/register` runs: init() from
// environment, with the ESM loader hook where an installed target package needs it.
import { initFromRegister } from './sdk.js';

initFromRegister();
