#!/usr/bin/env node
// npm run bench:sdk:encode — @sightline/node's OTLP protobuf encoder vs the official otlp-transformer serializers
// (ProtobufTraceSerializer / ProtobufLogsSerializer), on batches of 512 realistic HTTP server spans and pino log
// records made by the real SDK. Interleaved rounds, medians, µs per item and the ratio official / ours.
// Then the whole export path: CPU time (user + system of this process, so including gzip-free HTTP work and the
// response handling) per item for sequential exports of the same batches over http/protobuf to a sink in another
// process, ours vs the official OTLP proto exporters.
// Env: BENCH_ROUNDS (default 15), BENCH_BATCH (default 512). Needs a build (`npm run build` or tsc -b packages/node).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'packages', 'node', 'package.json'));
const { context, SpanKind, SpanStatusCode, TraceFlags, trace } = require('@opentelemetry/api');
const { SeverityNumber } = require('@opentelemetry/api-logs');
const { ProtobufLogsSerializer, ProtobufTraceSerializer } = require('@opentelemetry/otlp-transformer');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { LoggerProvider } = require('@opentelemetry/sdk-logs');
const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { encodeSpans } = require('../../packages/node/dist/otlp/trace-encoder.js');
const { encodeLogs } = require('../../packages/node/dist/otlp/logs-encoder.js');
const { encodeMetrics } = require('../../packages/node/dist/otlp/metrics-encoder.js');
const { ProtobufMetricsSerializer } = require('@opentelemetry/otlp-transformer');
const { MeterProvider, MetricReader } = require('@opentelemetry/sdk-metrics');
const { createOtlpLogExporter, createOtlpSpanExporter } = require('../../packages/node/dist/otlp/exporter.js');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-proto');
const { OTLPLogExporter } = require('@opentelemetry/exporter-logs-otlp-proto');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const BATCH = Number(process.env.BENCH_BATCH ?? 512);

// What a service's resource looks like after detection (service, host, process, container).
const resource = resourceFromAttributes({
  'service.name': 'checkout',
  'service.version': '1.4.2',
  'service.instance.id': '6f1c1a9e-3c4b-4a8e-9d1f-0c2b7e5a9f11',
  'deployment.environment.name': 'production',
  'telemetry.sdk.name': 'opentelemetry',
  'telemetry.sdk.language': 'nodejs',
  'telemetry.sdk.version': '2.12.1',
  'host.name': 'checkout-7d9f8b6c4-x2k9p',
  'host.arch': 'amd64',
  'process.pid': 4242,
  'process.runtime.name': 'nodejs',
  'process.runtime.version': '20.19.0',
  'process.executable.name': 'node',
  'container.id': '3f4e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e9d0c1b2a3f4e',
  'k8s.pod.name': 'checkout-7d9f8b6c4-x2k9p',
  'k8s.namespace.name': 'shop',
});

function makeSpans() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('@sightline/node', '0.1.0');
  for (let i = 0; i < BATCH; i++) {
    const status = i % 50 === 0 ? 500 : 200;
    const span = tracer.startSpan('GET /orders/:id', {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'url.path': `/orders/${100000 + i}`,
        'url.scheme': 'http',
        'server.address': 'checkout.shop.svc',
        'server.port': 8080,
        'network.protocol.version': '1.1',
        'client.address': `10.1.${i % 250}.${(i * 7) % 250}`,
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0',
        'http.route': '/orders/:id',
      },
    });
    span.setAttribute('http.response.status_code', status);
    if (status >= 500) {
      span.setAttribute('error.type', '500');
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  }
  return exporter.getFinishedSpans();
}

function makeLogs() {
  const records = [];
  const keep = { onEmit: (r) => records.push(r), forceFlush: async () => {}, shutdown: async () => {} };
  const provider = new LoggerProvider({ resource, processors: [keep] });
  const logger = provider.getLogger('pino', '10.4.0');
  for (let i = 0; i < BATCH; i++) {
    const ctx = trace.setSpanContext(context.active(), {
      traceId: (i + 1).toString(16).padStart(32, 'a'),
      spanId: (i + 1).toString(16).padStart(16, 'b'),
      traceFlags: TraceFlags.SAMPLED,
    });
    logger.emit({
      severityNumber: SeverityNumber.INFO,
      severityText: 'info',
      body: 'order loaded',
      attributes: { 'order.id': `ord-${100000 + i}`, items: 3, pid: 4242, hostname: 'checkout-7d9f8b6c4-x2k9p' },
      context: ctx,
    });
  }
  return records;
}

/** One collection like an HTTP service's: the duration histogram over 20 routes x 3 statuses, plus 40 gauges/sums. */
async function makeMetrics() {
  class ManualReader extends MetricReader {
    async onShutdown() {}
    async onForceFlush() {}
  }
  const reader = new ManualReader();
  const provider = new MeterProvider({ resource, readers: [reader] });
  const meter = provider.getMeter('@sightline/node', '0.1.0');
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
  });
  for (let r = 0; r < 20; r++) {
    for (const status of [200, 404, 500]) {
      for (let i = 0; i < 50; i++) {
        duration.record(0.001 * ((i * 7) % 90), {
          'http.request.method': 'GET',
          'http.route': `/api/v1/resource-${r}/:id`,
          'http.response.status_code': status,
          'url.scheme': 'http',
        });
      }
    }
  }
  for (let g = 0; g < 20; g++)
    meter.createGauge(`runtime.gauge.${g}`).record(g * 1.5, { 'v8js.heap.space.name': 'old' });
  for (let c = 0; c < 20; c++) meter.createCounter(`app.counter.${c}`).add(c + 1, { kind: 'x' });
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics;
}
const pointsOf = (rm) =>
  rm.scopeMetrics.reduce((n, sm) => n + sm.metrics.reduce((k, m) => k + m.dataPoints.length, 0), 0);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** µs per item for one round of `fn(batch)` repeated until ~200 ms passed. */
function measure(fn, batch) {
  let iterations = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < 200) {
    fn(batch);
    iterations++;
    t = performance.now();
  }
  return ((t - t0) * 1000) / (iterations * batch.length);
}

function compare(label, batch, ours, official) {
  // Warm both up (JIT) before measuring.
  for (let i = 0; i < 200; i++) {
    ours(batch);
    official(batch);
  }
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      a.push(measure(ours, batch));
      b.push(measure(official, batch));
    } else {
      b.push(measure(official, batch));
      a.push(measure(ours, batch));
    }
  }
  const ma = median(a);
  const mb = median(b);
  const sizeA = ours(batch).length;
  const sizeB = official(batch).length;
  console.log(
    `${label.padEnd(6)} ours ${ma.toFixed(3)} µs/item  official ${mb.toFixed(3)} µs/item  official/ours ${(mb / ma).toFixed(2)}x` +
      `  (${batch.length} per batch; ${sizeA} vs ${sizeB} bytes)`,
  );
  return { ours: ma, official: mb, ratio: mb / ma };
}

console.log(
  `OTLP protobuf encoding, ${BATCH} items per batch, ${ROUNDS} interleaved rounds, medians (node ${process.version})`,
);
compare('spans', makeSpans(), encodeSpans, (s) => ProtobufTraceSerializer.serializeRequest(s));
compare('logs', makeLogs(), encodeLogs, (l) => ProtobufLogsSerializer.serializeRequest(l));
{
  // compare() divides by batch.length: wrap the one collection so "items" are its data points.
  const rm = await makeMetrics();
  const points = pointsOf(rm);
  const asBatch = Object.assign([rm], { length: points });
  compare(
    'points',
    asBatch,
    (b) => encodeMetrics(b[0]),
    (b) => ProtobufMetricsSerializer.serializeRequest(b[0]),
  );
}

// ---- the whole export path ----
const sink = spawn(
  process.execPath,
  [
    '-e',
    `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => s.writeHead(200, { 'content-type': 'application/x-protobuf' }).end()); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const [portLine] = await once(sink.stdout, 'data');
const sinkUrl = `http://127.0.0.1:${String(portLine).trim()}`;

const EXPORTS_PER_ROUND = 20;
function exportOnce(exporter, batch) {
  return new Promise((resolve, reject) =>
    exporter.export(batch, (r) => (r.code === 0 ? resolve() : reject(r.error ?? new Error('export failed')))),
  );
}
async function cpuPerItem(exporter, batch) {
  const before = process.cpuUsage();
  for (let i = 0; i < EXPORTS_PER_ROUND; i++) await exportOnce(exporter, batch);
  const d = process.cpuUsage(before);
  return (d.user + d.system) / (EXPORTS_PER_ROUND * batch.length);
}
async function comparePipeline(label, batch, ours, official) {
  for (let i = 0; i < 5; i++) {
    await exportOnce(ours, batch);
    await exportOnce(official, batch);
  }
  const a = [];
  const b = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      a.push(await cpuPerItem(ours, batch));
      b.push(await cpuPerItem(official, batch));
    } else {
      b.push(await cpuPerItem(official, batch));
      a.push(await cpuPerItem(ours, batch));
    }
  }
  const ma = median(a);
  const mb = median(b);
  console.log(
    `${label.padEnd(6)} ours ${ma.toFixed(2)} µs CPU/item  official ${mb.toFixed(2)} µs CPU/item  official/ours ${(mb / ma).toFixed(2)}x`,
  );
  await Promise.all([ours.shutdown(), official.shutdown()]);
}

console.log(
  `\nWhole export over http/protobuf to a sink process, ${EXPORTS_PER_ROUND} sequential exports per round, CPU of this process`,
);
const cfg = (signal) => ({
  exporter: 'otlp',
  protocol: 'http/protobuf',
  url: `${sinkUrl}/v1/${signal}`,
  headers: {},
  timeoutMillis: 10_000,
  compression: 'none',
});
await comparePipeline(
  'spans',
  makeSpans(),
  createOtlpSpanExporter(cfg('traces')),
  new OTLPTraceExporter({ url: `${sinkUrl}/v1/traces` }),
);
await comparePipeline(
  'logs',
  makeLogs(),
  createOtlpLogExporter(cfg('logs')),
  new OTLPLogExporter({ url: `${sinkUrl}/v1/logs` }),
);
sink.kill();
