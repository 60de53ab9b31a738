import { fileURLToPath } from 'node:url';
import { describeOrdersApi } from '../../test-support/orders-api-suite.js';

// The orders-API assertions shared with express-otel and nestjs-otel live in examples/test-support/orders-api-suite.ts.
await describeOrdersApi({
  name: 'fastify-otel',
  framework: 'Fastify 5',
  id: 'fastify',
  exampleDir: fileURLToPath(new URL('..', import.meta.url)),
  protocol: 'http/protobuf', // the other examples export over gRPC
  shutdown: 'exit 0',
});
