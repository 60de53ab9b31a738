import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ServiceProcess } from '../../test-support/service-process.js';
import { buildForTest } from '../../test-support/sightline-backend.js';

// Configuration is read once at start; a bad value stops the service before it touches PostgreSQL or Redis, so this
// test needs neither (and no backend: the SDK is disabled).
const exampleDir = fileURLToPath(new URL('..', import.meta.url));

describe('express-otel: configuration errors', () => {
  it('refuses to start on an invalid PORT, naming the variable, the value and what is accepted', async () => {
    buildForTest(exampleDir);
    const app = ServiceProcess.start(exampleDir, 'dist/server.js', { PORT: 'eighty', OTEL_SDK_DISABLED: 'true' });
    expect(await app.exited()).toBe(1);
    const fatal = app.records().find((r) => r.msg === 'orders api failed to start');
    const err = fatal?.err as { code?: string; message?: string } | undefined;
    expect(err?.code, app.output()).toBe('SIGHTLINE_ERR_EXAMPLE_CONFIG');
    expect(err?.message).toBe('PORT="eighty" is not valid: expected an integer from 0 to 65535');
  });
});
