// What bench/sdk/run.mjs and instructions.mjs share about the app under test: a free port, and its environment
// (the same OTLP export for every variant: http/protobuf to the local sink, 100 % sampled, logs as OTLP).
import { createServer } from 'node:http';

export async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

/** The app's environment; `overrides` (export timing) go last. */
export function appEnv(framework, port, sinkPort, overrides = {}) {
  return {
    ...process.env,
    PORT: String(port),
    NODE_ENV: 'production',
    BENCH_FRAMEWORK: framework,
    OTEL_SERVICE_NAME: `bench-${framework}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${sinkPort}`,
    OTEL_TRACES_SAMPLER: 'always_on',
    OTEL_LOGS_EXPORTER: 'otlp',
    ...overrides,
  };
}
