import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unreachable } from '../../../examples/test-support/reachability.js';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;
const CONSUMER = 5;

const skipReason = await unreachable({ postgres: 5432, redis: 6379, rabbitmq: 5672 });
if (skipReason) console.warn(`services.test.ts ${skipReason}`);

const apps = [
  { module: 'CommonJS', fixture: 'services-app.cjs', flag: '--require' },
  { module: 'ES module', fixture: 'services-app.mjs', flag: '--import' },
] as const;

describe.skipIf(skipReason !== '').each(apps)(
  'a $module app ($flag) using pg, ioredis and amqplib against the local services',
  ({ fixture, flag }) => {
    const receiver = new OtlpReceiver();
    const queue = `sightline-test-${process.pid}-${Date.now()}`;
    let app: AppProcess;
    let consumer: AppProcess;

    beforeAll(async () => {
      const port = await receiver.startHttp();
      const env = {
        ...otlpEnv('http/json', port),
        QUEUE: queue,
        OTEL_BSP_SCHEDULE_DELAY: '200',
      };
      [app, consumer] = await Promise.all([
        startApp(fixture, { flag, env }),
        startApp('consumer.cjs', { flag: '--require', env: { ...env, OTEL_SERVICE_NAME: 'fixture-consumer' } }),
      ]);
      expect((await fetch(`${app.base}/db/7`)).status).toBe(200);
      expect((await fetch(`${app.base}/cache/k1`)).status).toBe(200);
      expect((await fetch(`${app.base}/publish/o-42`)).status).toBe(200);
      await receiver.waitFor(
        () =>
          receiver.spans.some((s) => s.name === 'process-order') &&
          receiver.spans.some((s) => s.attributes['url.path'] === '/cache/k1'),
        20_000,
        'db, cache and consumer spans',
      );
    });
    afterAll(async () => {
      await Promise.all([app?.stop(), consumer?.stop()]);
      await receiver.stop();
    });

    it('makes the PostgreSQL query a descendant of the request span, without literal values', () => {
      const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/db/7');
      const db = receiver.spans.find(
        (s) =>
          s.kind === CLIENT &&
          s.traceId === server?.traceId &&
          /SELECT/.test(String(s.attributes['db.statement'] ?? s.attributes['db.query.text'])),
      );
      expect(db).toBeDefined();
      // The query span sits under the request span (directly, or under the pool's connect span).
      expect(receiver.isDescendant(db, server)).toBe(true);
      const statement = String(db?.attributes['db.statement'] ?? db?.attributes['db.query.text']);
      expect(statement).toContain('SELECT $1::int AS id');
      expect(statement).not.toContain('secret-literal');
    });

    it('makes the Redis commands children of the request span', () => {
      const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/cache/k1');
      const redis = receiver.spans.filter(
        (s) => s.traceId === server?.traceId && s.kind === CLIENT && /^(set|get)$/i.test(s.name),
      );
      expect(redis.map((s) => s.name.toLowerCase()).sort()).toEqual(['get', 'set']);
      for (const s of redis) expect(s.parentSpanId).toBe(server?.spanId);
    });

    it('continues the trace of the publishing request in the consuming process', () => {
      const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/publish/o-42');
      const work = receiver.spans.find((s) => s.name === 'process-order');
      expect(work?.resource['service.name']).toBe('fixture-consumer');
      expect(work?.traceId).toBe(server?.traceId);
      const consumeSpan = receiver.spans.find((s) => s.kind === CONSUMER && s.traceId === server?.traceId);
      expect(consumeSpan).toBeDefined();
      const consumedLog = consumer.lines.find((l) => l.msg === 'consumed');
      expect(consumedLog?.trace_id).toBe(server?.traceId);
      expect(consumedLog?.span_id).toBe(work?.spanId);
    });
  },
);
