import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const ERROR = 2;

describe('an Express 5 ESM app started with --import @sightline/node/register, exporting OTLP over gRPC', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;

  beforeAll(async () => {
    const port = await receiver.startGrpc();
    app = await startApp('express-app.mjs', { env: otlpEnv('grpc', port) });
    await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${app.base}/orders/${i}?token=s3cr3t-value&page=2`)));
    await fetch(`${app.base}/boom`);
    await fetch(`${app.base}/health`);
    // a client that gives up before the response
    await fetch(`${app.base}/slow/600`, { signal: AbortSignal.timeout(100) }).catch(() => undefined);
    await receiver.waitFor(() => receiver.spans.filter((s) => s.kind === SERVER).length >= 22, 15_000, 'server spans');
    const routeCount = () =>
      receiver.metrics
        .filter((m) => m.name === 'http.server.request.duration')
        .flatMap((m) => m.points)
        .filter((p) => p.attributes['http.route'] === '/orders/:id')
        .reduce((max, p) => Math.max(max, p.count ?? 0), 0);
    await receiver.waitFor(() => receiver.logs.length >= 62 && routeCount() >= 20, 15_000, 'logs and duration metric');
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('exports a server span named after the route with semantic-convention attributes', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/orders/3');
    expect(span?.name).toBe('GET /orders/:id');
    expect(span?.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/orders/:id',
      'http.response.status_code': 200,
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'url.path': '/orders/3',
    });
    expect(span?.resource['service.name']).toBe('fixture-app');
  });

  it('makes a withSpan inside the handler a child of the server span', () => {
    const server = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/orders/5');
    const child = receiver.spans.find((s) => s.name === 'compute-total' && s.attributes['order.id'] === '5');
    expect(child?.traceId).toBe(server?.traceId);
    expect(child?.parentSpanId).toBe(server?.spanId);
  });

  it('marks a throwing route as ERROR with an exception event', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/boom');
    expect(span?.status.code).toBe(ERROR);
    expect(span?.attributes['http.response.status_code']).toBe(500);
    const event = span?.events.find((e) => e.name === 'exception');
    expect(event?.attributes['exception.message']).toBe('boom failed');
  });

  it('ends the span of a request whose client disconnected, marked error.type=aborted', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/slow/600');
    expect(span?.name).toBe('GET /slow/:ms');
    expect(span?.attributes['error.type']).toBe('aborted');
    expect(span?.attributes['http.response.status_code']).toBeUndefined();
  });

  it('does not trace health-check routes, nor the work done inside them', () => {
    expect(receiver.spans.some((s) => s.attributes['url.path'] === '/health')).toBe(false);
    // nor anything the probe does: no orphan root spans
    expect(receiver.spans.some((s) => s.name === 'health-check')).toBe(false);
  });

  it('never sends the ?token= value to the receiver', () => {
    const span = receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === '/orders/1');
    expect(span?.attributes['url.query']).toBe('token=REDACTED&page=2');
    expect(receiver.rawPayloads.join('\n')).not.toContain('s3cr3t-value');
  });

  it('records http.server.request.duration in seconds with the route, using the semconv buckets', () => {
    const metric = receiver.metrics.findLast((m) => m.name === 'http.server.request.duration');
    expect(metric?.unit).toBe('s');
    expect(metric?.type).toBe('histogram');
    const point = metric?.points.find((p) => p.attributes['http.route'] === '/orders/:id');
    expect(point?.count).toBeGreaterThanOrEqual(20);
    // Real durations: positive, and far below a second each on a local hello-world.
    expect(point?.sum).toBeGreaterThan(0);
    expect((point?.sum ?? 0) / (point?.count ?? 1)).toBeLessThan(1);
    expect(point?.explicitBounds).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
  });

  it('writes every log line inside a request with exactly the active span ids, and none outside', () => {
    const spanById = new Map(receiver.spans.map((s) => [s.spanId, s]));
    const inRequest = app.lines.filter((l) =>
      ['loading order', 'inside compute-total', 'app-created pino line'].includes(String(l.msg)),
    );
    expect(inRequest).toHaveLength(60);
    for (const line of inRequest) {
      const span = spanById.get(String(line.span_id));
      expect(span, `span ${String(line.span_id)} for "${String(line.msg)}"`).toBeDefined();
      expect(line.trace_id).toBe(span?.traceId);
      expect(line.trace_flags).toBe('01');
      const expectedName = line.msg === 'inside compute-total' ? 'compute-total' : 'GET /orders/:id';
      expect(span?.name).toBe(expectedName);
      const order = String(line.order ?? span?.attributes['order.id'] ?? '');
      if (line.msg !== 'inside compute-total') expect(span?.attributes['url.path']).toBe(`/orders/${order}`);
    }
    const outside = app.lines.filter((l) => String(l.msg).includes('outside any request'));
    expect(outside).toHaveLength(2);
    for (const line of outside) expect(line.trace_id).toBeUndefined();
  });

  it('exports the same log records over OTLP with the same trace context', () => {
    const spanById = new Map(receiver.spans.map((s) => [s.spanId, s]));
    const inRequest = receiver.logs.filter((l) =>
      ['loading order', 'inside compute-total', 'app-created pino line'].includes(String(l.body)),
    );
    expect(inRequest).toHaveLength(60);
    for (const log of inRequest) {
      expect(spanById.get(log.spanId)?.traceId).toBe(log.traceId);
    }
    const outside = receiver.logs.filter((l) => String(l.body).includes('outside any request'));
    expect(outside.length).toBeGreaterThanOrEqual(1);
    for (const log of outside) expect(log.traceId).toBe('');
  });
});

describe('an Express 4 CommonJS app started with --require @sightline/node/register', () => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;
  const serverSpan = (path: string) =>
    receiver.spans.find((s) => s.kind === SERVER && s.attributes['url.path'] === path);

  beforeAll(async () => {
    const port = await receiver.startHttp();
    app = await startApp('express4-app.cjs', { flag: '--require', env: otlpEnv('http/protobuf', port) });
    for (const path of ['/api/orders/7', '/api/broken', '/boom']) await fetch(`${app.base}${path}`);
    await receiver.waitFor(
      () =>
        receiver.spans.filter((s) => s.kind === SERVER).length >= 3 &&
        receiver.metrics.some((m) => m.name === 'http.server.request.duration'),
      15_000,
      'server spans and the duration metric',
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('names the server span by mount path and route template', () => {
    const span = serverSpan('/api/orders/7');
    expect(span?.name).toBe('GET /api/orders/:id');
    expect(span?.attributes).toMatchObject({ 'http.route': '/api/orders/:id', 'http.response.status_code': 200 });
    const line = app.lines.find((l) => l.msg === 'loading order');
    expect(line).toMatchObject({ trace_id: span?.traceId, span_id: span?.spanId });
  });

  it('records an error passed to next(err) and a thrown one as ERROR with an exception event', () => {
    for (const [path, message] of [
      ['/api/broken', 'broken passed to next'],
      ['/boom', 'boom failed'],
    ]) {
      const span = serverSpan(path);
      expect(span?.status.code, path).toBe(ERROR);
      expect(span?.attributes['http.response.status_code'], path).toBe(500);
      expect(span?.events.find((e) => e.name === 'exception')?.attributes['exception.message'], path).toBe(message);
    }
  });

  it('reports http.server.request.duration by route', () => {
    const points = receiver.metrics
      .filter((m) => m.name === 'http.server.request.duration')
      .flatMap((m) => m.points)
      .filter((p) => p.attributes['http.route'] === '/api/orders/:id');
    expect(points.length).toBeGreaterThan(0);
  });
});
