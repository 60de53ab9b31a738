import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const ERROR = 2;

// The same app on Fastify 5 and on Fastify 4 (installed as `fastify4`, an npm alias).
const versions = [
  { version: 5, fastifyPackage: 'fastify' },
  { version: 4, fastifyPackage: 'fastify4' },
] as const;

describe.each(versions)(
  'a Fastify $version CommonJS app started with --require @sightline/node/register, exporting OTLP http/protobuf',
  ({ fastifyPackage }) => {
    const receiver = new OtlpReceiver();
    let app: AppProcess;

    beforeAll(async () => {
      const port = await receiver.startHttp();
      app = await startApp('fastify-app.cjs', {
        flag: '--require',
        env: { ...otlpEnv('http/protobuf', port), FASTIFY_PACKAGE: fastifyPackage },
      });
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          fetch(`${app.base}/api/items/${i}`, { headers: { authorization: 'Bearer top-secret-token' } }),
        ),
      );
      await fetch(`${app.base}/boom`);
      await fetch(`${app.base}/healthz`);
      await receiver.waitFor(
        () => receiver.spans.filter((s) => s.kind === SERVER).length >= 11 && receiver.logs.length >= 21,
      );
    });
    afterAll(async () => {
      await app?.stop();
      await receiver.stop();
    });

    it('uses the protobuf content type', () => {
      expect(receiver.requests.some((r) => r.contentType === 'application/x-protobuf' && r.signal === 'traces')).toBe(
        true,
      );
    });

    it('names the server span after the prefixed route template', () => {
      const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/api/items/4');
      expect(span?.name).toBe('GET /api/items/:id');
      expect(span?.attributes['http.route']).toBe('/api/items/:id');
      expect(span?.attributes['http.response.status_code']).toBe(200);
    });

    it('nests withSpan under the request span', () => {
      const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/api/items/7');
      const child = receiver.spans.find((s) => s.name === 'price-lookup' && s.attributes['item.id'] === '7');
      expect(child?.parentSpanId).toBe(server?.spanId);
    });

    it('reports a rejected handler as ERROR with an exception event', () => {
      const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/boom');
      expect(span?.status.code).toBe(ERROR);
      expect(span?.events.find((e) => e.name === 'exception')?.attributes['exception.message']).toBe('fastify boom');
    });

    it('never sends the Authorization header value to the receiver', () => {
      expect(receiver.rawPayloads.join('\n')).not.toContain('top-secret-token');
    });

    it('correlates every in-request log line with its span, on stdout and over OTLP', () => {
      const spanById = new Map(receiver.spans.map((s) => [s.spanId, s]));
      const lines = app.lines.filter((l) => l.msg === 'loading item' || l.msg === 'inside price-lookup');
      expect(lines).toHaveLength(20);
      for (const line of lines) {
        expect(spanById.get(String(line.span_id))?.traceId).toBe(line.trace_id);
      }
      const otlp = receiver.logs.filter((l) => l.body === 'loading item' || l.body === 'inside price-lookup');
      expect(otlp).toHaveLength(20);
      for (const log of otlp) expect(spanById.get(log.spanId)?.traceId).toBe(log.traceId);
      const outside = app.lines.find((l) => l.msg === 'outside any request');
      expect(outside).toBeDefined();
      expect(outside?.trace_id).toBeUndefined();
    });
  },
);
