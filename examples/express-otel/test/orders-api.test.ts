import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describeOrdersApi } from '../../test-support/orders-api-suite.js';
import { sightlineCli } from '../../test-support/sightline-check.js';

// The orders-API assertions shared with fastify-otel and nestjs-otel live in examples/test-support/orders-api-suite.ts.
await describeOrdersApi({
  name: 'express-otel',
  framework: 'Express 5',
  id: 'express',
  exampleDir: fileURLToPath(new URL('..', import.meta.url)),
  shutdown: 'exit 0',
  moreTests: (run) => {
    it('gets no `sightline validate metrics` finding on its business metrics', async () => {
      // Scoped to this example's own instruments: the instrumentations' metrics are @sightline/node's to keep clean.
      const result = await sightlineCli([
        'validate',
        'metrics',
        '--from-store',
        '--api',
        run.backend.apiUrl,
        '--format',
        'json',
      ]);
      expect(result.report, result.stdout + result.stderr).toBeDefined();
      expect(result.report?.metricsChecked).toBeGreaterThanOrEqual(3);
      const findings = result.report?.findings as { metric: string }[];
      expect(findings.filter((f) => f.metric.startsWith('orders.'))).toEqual([]);
    });
  },
});
