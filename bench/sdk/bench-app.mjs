// What the bench/sdk benchmarks share about the app under test: a free port, the OTLP sink it exports to, its
// environment (the same OTLP export for every variant: http/protobuf to the sink, 100 % sampled, logs as OTLP), the
// wait for its first response and an autocannon run against it.
import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const run = promisify(execFile);

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

/** The OTLP sink: reads every export whole (so exporters do their full work), answers 200, counts the bytes. */
export async function startSink() {
  let bytes = 0;
  const server = createServer((req, res) => {
    req.on('data', (c) => {
      bytes += c.length;
    });
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { port: server.address().port, bytes: () => bytes, close: () => server.close() };
}

/** Resolves when the app on `port` answers 200; rejects if `child` (its process, when given) exits first. */
export async function firstResponse(port, child) {
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`the app exited with ${child.exitCode} before answering`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/hello/start`);
      await res.text();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** One autocannon run against the app (bench/sdk/load.mjs, its own process): {rps, total, p50, p99, errors}. */
export async function load(port, seconds, connections) {
  const args = [join(here, 'load.mjs'), `http://127.0.0.1:${port}/hello/world`, String(seconds), String(connections)];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}
