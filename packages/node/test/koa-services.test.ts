import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreachable } from '../../../examples/test-support/reachability.js';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;

const skipReason = await unreachable({ mysql: 3306, redis: 6379 });
if (skipReason) console.warn(`koa-services.test.ts ${skipReason}`);

const apps = [
  { module: 'CommonJS', fixture: 'koa-services-app.cjs', flag: '--require' },
  { module: 'ES module', fixture: 'koa-services-app.mjs', flag: '--import' },
] as const;

describe.skipIf(skipReason !== '').each(apps)(
  'a $module Koa app ($flag) using mysql2, node-redis and its own winston logger against the local services',
  ({ fixture, flag }) => {
    const receiver = new OtlpReceiver();
    let app: AppProcess;
    const serverSpan = (path: string) =>
      receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === path);

    beforeAll(async () => {
      const port = await receiver.startHttp();
      app = await startApp(fixture, {
        flag,
        env: {
          ...otlpEnv('http/protobuf', port),
          OTEL_BSP_SCHEDULE_DELAY: '200',
          OTEL_BLRP_SCHEDULE_DELAY: '200',
        },
      });
      expect((await fetch(`${app.base}/sql/7`)).status).toBe(200);
      expect((await fetch(`${app.base}/kv/k1`)).status).toBe(200);
      await receiver.waitFor(
        () =>
          serverSpan('/sql/7') !== undefined &&
          serverSpan('/kv/k1') !== undefined &&
          receiver.logs.some((l) => l.body === 'cached'),
        20_000,
        'request spans and winston records',
      );
    });
    afterAll(async () => {
      await app?.stop();
      await receiver.stop();
    });

    it('names the server span by the Koa route', () => {
      const server = serverSpan('/sql/7');
      expect(server?.name).toBe('GET /sql/:id');
      expect(server?.attributes['http.route']).toBe('/sql/:id');
      const router = receiver.spans.find(
        (s) => s.scope === '@opentelemetry/instrumentation-koa' && s.name.includes('/sql/:id'),
      );
      expect(router?.parentSpanId).toBe(server?.spanId);
    });

    it('puts the MySQL query under the request span, without literal values', () => {
      const server = serverSpan('/sql/7');
      const query = receiver.spans.find((s) => s.kind === CLIENT && s.attributes['db.system.name'] === 'mysql');
      expect(query?.traceId).toBe(server?.traceId);
      expect(receiver.isDescendant(query, server)).toBe(true);
      expect(query?.attributes['db.query.text']).toBe('SELECT ? AS id, ? AS label');
    });

    it('puts the node-redis commands under the request span', () => {
      const server = serverSpan('/kv/k1');
      const commands = receiver.spans.filter(
        (s) => s.kind === CLIENT && s.traceId === server?.traceId && s.attributes['db.system.name'] === 'redis',
      );
      expect(commands.map((s) => s.name).sort()).toEqual(['redis-GET', 'redis-SET']);
      for (const s of commands) expect(receiver.isDescendant(s, server)).toBe(true);
    });

    it("gives the winston logger's lines and OTLP records the ids of the span active when they were written", () => {
      for (const [message, path] of [
        ['queried', '/sql/7'],
        ['cached', '/kv/k1'],
      ] as const) {
        const server = serverSpan(path);
        // The Koa router span is the one active in the route handler.
        const active = receiver.spans.find(
          (s) => s.traceId === server?.traceId && s.scope === '@opentelemetry/instrumentation-koa',
        );
        const line = app.lines.find((l) => l.message === message);
        expect(line).toMatchObject({ trace_id: server?.traceId, span_id: active?.spanId, trace_flags: '01' });
        const record = receiver.logs.find((l) => l.body === message);
        expect(record).toMatchObject({ traceId: server?.traceId, spanId: active?.spanId });
      }
      const outside = app.lines.find((l) => l.message === 'starting');
      expect(outside).toBeDefined();
      expect(outside).not.toHaveProperty('trace_id');
      expect(receiver.logs.find((l) => l.body === 'starting')?.traceId).toBe('');
    });
  },
);
