// `node --require @sightline/node/register app.js`: init() from environment, with the ESM loader hook where an
// installed target package is ES module code (`--import` runs register-esm.mts instead).
import { initFromRegister } from './sdk.js';

initFromRegister();
