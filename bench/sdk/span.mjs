#!/usr/bin/env node
// npm run bench:sdk:span — one HTTP-server-like span (10 attributes, renamed, ended) with the SDK's
// BasicTracerProvider vs Sightline's tracer, both ending into a do-nothing processor; interleaved rounds, medians.
// Env: BENCH_ROUNDS (default 9), BENCH_SPANS (spans per round, default 200000). Needs a build of packages/node.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', '..', 'packages', 'node', 'package.json'));
const { ROOT_CONTEXT, SpanKind } = require('@opentelemetry/api');
const { resourceFromAttributes } = require('@opentelemetry/resources');
const { BasicTracerProvider } = require('@opentelemetry/sdk-trace-base');
const { SightlineTracerProvider } = require(join(here, '..', '..', 'packages', 'node', 'dist', 'tracing', 'tracer.js'));

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const SPANS = Number(process.env.BENCH_SPANS ?? 200_000);
let last;
const processor = {
  onStart() {},
  onEnd: (s) => {
    last = s;
  },
  forceFlush: async () => {},
  shutdown: async () => {},
};
const resource = resourceFromAttributes({ 'service.name': 'bench-span' });
const tracers = {
  sdk: new BasicTracerProvider({ resource, spanProcessors: [processor] }).getTracer('bench'),
  sightline: new SightlineTracerProvider({ resource, spanProcessors: [processor] }).getTracer('bench'),
};
const OPTIONS = { kind: SpanKind.SERVER };

function oneSpan(tracer) {
  const span = tracer.startSpan('GET', OPTIONS, ROOT_CONTEXT);
  span.setAttribute('http.request.method', 'GET');
  span.setAttribute('url.path', '/hello/world');
  span.setAttribute('url.scheme', 'http');
  span.setAttribute('network.protocol.version', '1.1');
  span.setAttribute('server.address', '127.0.0.1');
  span.setAttribute('server.port', 3000);
  span.setAttribute('user_agent.original', 'autocannon');
  span.setAttribute('client.address', '127.0.0.1');
  span.setAttribute('http.response.status_code', 200);
  span.setAttribute('http.route', '/hello/:name');
  span.updateName('GET /hello/:name');
  span.end();
}

const ns = { sdk: [], sightline: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const [name, tracer] of Object.entries(tracers)) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < SPANS; i++) oneSpan(tracer);
    ns[name].push(Number(process.hrtime.bigint() - t0) / SPANS);
  }
}
if (Object.keys(last.attributes).length !== 10) throw new Error('the spans did not record their attributes');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sdk = median(ns.sdk);
const ours = median(ns.sightline);
console.log(
  `span with 10 attributes, started and ended (${ROUNDS} interleaved rounds of ${SPANS}, medians, node ${process.version}): SDK tracer ${sdk.toFixed(0)} ns, Sightline tracer ${ours.toFixed(0)} ns (${(sdk / ours).toFixed(2)}x)`,
);
