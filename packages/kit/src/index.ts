export * from './alerts/index.js';
export * from './check/index.js';
export * from './config/index.js';
export * from './dashboards/index.js';
export * from './files/index.js';
export * from './init/index.js';
export { KitError } from './kit-error.js';
export * from './stack/index.js';
export * from './validate/index.js';
