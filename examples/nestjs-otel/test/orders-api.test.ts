import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeOrdersApi } from '../../test-support/orders-api-suite.js';
import { must, SpanTree } from '../../test-support/span-tree.js';

// The orders-API assertions shared with express-otel and fastify-otel live in examples/test-support/orders-api-suite.ts;
// below are the tests of what Nest adds: its controller spans, its ignored routes and its shutdown.
await describeOrdersApi({
  name: 'nestjs-otel',
  framework: 'NestJS 11',
  id: 'nestjs',
  exampleDir: fileURLToPath(new URL('..', import.meta.url)),
  shutdown: 'own',
  moreTests: (run) => {
    it("puts Nest's controller span between the HTTP server span and orders.create", () => {
      for (const post of run.serverSpan('POST', '/orders', 201)) {
        const tree = SpanTree.of(run.spans, post.traceId);
        const controller = must(
          tree.descendants(post, (s) => s.name === 'OrdersController.create')[0],
          'the OrdersController.create span',
        );
        expect(controller?.scopeName).toBe('@opentelemetry/instrumentation-nestjs-core');
        expect(tree.descendants(controller, (s) => s.name === 'orders.create')).toHaveLength(1);
      }
    });

    // Ignored routes run with tracing suppressed, so the @nestjs/core handler spans of a probe do not become stray roots.
    it('creates no span at all for health probes', () => {
      expect(run.spans.filter((s) => s.name.startsWith('HealthController.'))).toEqual([]);
    });

    it('shuts down gracefully on SIGTERM: Nest closes the pool and the cache, then dies of the re-raised signal', () => {
      // enableShutdownHooks() runs the hooks, removes its listener and re-sends SIGTERM to the process (Nest's design),
      // after which @sightline/node's handler flushes and lets the signal end the process.
      expect([run.exitCode, run.app.signal]).toEqual([null, 'SIGTERM']);
      expect(run.app.records().some((r) => r.msg === 'shut down cleanly')).toBe(true);
    });
  },
});
