export * from './validate/index.js';
export * from './check/index.js';
