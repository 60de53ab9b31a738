// The setup a team wires by hand today: @opentelemetry/sdk-node + getNodeAutoInstrumentations()
// (+ @fastify/otel, since auto-instrumentations-node 0.81 no longer instruments Fastify). Exporters from OTEL_* env.
const { NodeSDK } = require('@opentelemetry/sdk-node');
const { getNodeAutoInstrumentations } = require('@opentelemetry/auto-instrumentations-node');

const instrumentations = [getNodeAutoInstrumentations()];
if (process.env.BENCH_FRAMEWORK === 'fastify') {
  const { FastifyOtelInstrumentation } = require('@fastify/otel');
  instrumentations.push(new FastifyOtelInstrumentation({ registerOnInitialization: true }));
}
const sdk = new NodeSDK({ instrumentations });
sdk.start();
process.on('SIGTERM', () => sdk.shutdown().finally(() => process.exit(0)));
