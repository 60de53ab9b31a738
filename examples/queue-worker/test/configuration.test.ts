import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ServiceProcess } from '../../test-support/service-process.js';
import { buildForTest } from '../../test-support/sightline-backend.js';

// Both processes read their configuration before connecting anywhere, so these need no broker and no backend.
const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('queue-worker: configuration errors', () => {
  it.each([
    [
      'dist/worker.js',
      'worker failed to start',
      { QUEUE_TRANSPORT: 'kafka' },
      'QUEUE_TRANSPORT="kafka" is not valid: expected "rabbitmq" or "nats"',
    ],
    [
      'dist/api.js',
      'jobs api failed to start',
      { JOBS_QUEUE: 'jobs queue' },
      'JOBS_QUEUE="jobs queue" is not valid: expected letters, digits, "_", "-", "."',
    ],
  ])(
    '%s refuses to start on a bad variable, naming it, its value and what is accepted',
    async (entry, fatalMessage, env, message) => {
      buildForTest(exampleDir);
      const app = ServiceProcess.start(exampleDir, entry, { ...env, OTEL_SDK_DISABLED: 'true' });
      expect(await app.exited()).toBe(1);
      const err = app.records().find((r) => r.msg === fatalMessage)?.err as
        | { code?: string; message?: string }
        | undefined;
      expect(err?.code, app.output()).toBe('SIGHTLINE_ERR_EXAMPLE_CONFIG');
      expect(err?.message).toBe(message);
    },
  );
});
