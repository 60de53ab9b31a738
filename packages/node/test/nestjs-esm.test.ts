// NestJS 12 ships ES module code only, which our hook on CommonJS loading never sees: the register entry points load
// @nestjs/core before the app and patch it (esm-preload.ts: with require() where Node can, else import() for --import),
// and where Node cannot require() ES modules, --require registers the ESM loader hook for it (esm-hook.ts); Node 20.20
// can, so those cases run with --no-experimental-require-module. The app is a project of its own
// (test/fixtures/nestjs-12, installed from its lockfile by scripts/install-test-apps.mjs before the tests).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, FIXTURES, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const installed = existsSync(join(FIXTURES, 'nestjs-12', 'node_modules', '@nestjs', 'core', 'package.json'));
if (!installed) {
  console.warn(
    'skipped: nestjs-esm.test.ts needs test/fixtures/nestjs-12 installed (node scripts/install-test-apps.mjs; npm test does it)',
  );
}

const STARTS = [
  { app: 'app.mjs', flag: '--import', how: 'patched ahead of the app', nodeOptions: undefined },
  { app: 'app.mjs', flag: '--require', how: 'patched ahead of the app', nodeOptions: undefined },
  // Where Node cannot require() ES modules, --import loads the package with import() before the app instead.
  {
    app: 'app.mjs',
    flag: '--import',
    how: 'imported ahead of the app',
    nodeOptions: '--no-experimental-require-module',
  },
  {
    app: 'app.mjs',
    flag: '--require',
    how: 'with the ESM loader hook',
    nodeOptions: '--no-experimental-require-module',
  },
  // A CommonJS app that require()s NestJS 12: the official instrumentation's own CommonJS route patches it a second
  // time, which must not double its spans.
  { app: 'app.cjs', flag: '--require', how: 'patched ahead of the app', nodeOptions: undefined },
] as const;

describe.skipIf(!installed).each(STARTS)(
  'NestJS 12 (ES module code only), $app, $flag @sightline/node/register, $how',
  ({ app: fixture, flag, nodeOptions }) => {
    const receiver = new OtlpReceiver();
    let app: AppProcess;
    const nestSpans = () => receiver.spans.filter((s) => s.scope === '@opentelemetry/instrumentation-nestjs-core');

    beforeAll(async () => {
      const port = await receiver.startHttp();
      app = await startApp(`nestjs-12/${fixture}`, {
        flag,
        env: { ...otlpEnv('http/protobuf', port), OTEL_BSP_SCHEDULE_DELAY: '200', NODE_OPTIONS: nodeOptions },
      });
      expect(await (await fetch(`${app.base}/items/7`)).json()).toEqual({ id: '7' });
      await receiver.waitFor(
        () =>
          receiver.spans.some((s) => s.kind === SERVER) && nestSpans().some((s) => s.name === 'ItemsController.get'),
        15_000,
        'the request span and the Nest spans',
      );
    });
    afterAll(async () => {
      await app?.stop();
      await receiver.stop();
    });

    it("puts Nest's controller span under the HTTP server span, named by the route", () => {
      const server = receiver.spans.find((s) => s.kind === SERVER);
      expect(server).toMatchObject({ name: 'GET /items/:id', attributes: { 'http.route': '/items/:id' } });
      const controller = nestSpans().find((s) => s.name === 'ItemsController.get');
      expect(controller?.parentSpanId).toBe(server?.spanId);
      // Patched once: one span per request and app, however many routes patched the package.
      expect(nestSpans().filter((s) => s.name === 'ItemsController.get')).toHaveLength(1);
      expect(nestSpans().filter((s) => s.name === 'Create Nest App')).toHaveLength(1);
    });

    it('gives the log line written in the controller the ids of the span active there', () => {
      const server = receiver.spans.find((s) => s.kind === SERVER);
      const line = app.lines.find((l) => l.msg === 'loading item');
      expect(line?.trace_id).toBe(server?.traceId);
      const active = receiver.spans.find((s) => s.spanId === line?.span_id);
      expect(active?.scope).toBe('@opentelemetry/instrumentation-nestjs-core');
    });
  },
);
