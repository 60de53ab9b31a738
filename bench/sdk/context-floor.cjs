// The context floor of bench:sdk:instructions (BENCH_ATTRIBUTE=1) and bench:sdk (BENCH_FLOOR=1): an AsyncLocalStorage
// entered for every request and nothing else. On Node 20 an enabled AsyncLocalStorage runs an async_hooks init hook
// for every promise, tick and handle the process creates; every OpenTelemetry context manager pays this, whatever
// else the SDK does.
const { AsyncLocalStorage } = require('node:async_hooks');
const { subscribe } = require('node:diagnostics_channel');

const storage = new AsyncLocalStorage();
subscribe('http.server.request.start', (message) => storage.enterWith(message));
