import { once } from 'node:events';
import { createServer, get } from 'node:http';
import pino from 'pino';
import { request as undiciRequest } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SightlineHandle } from '../src/index.js';
import {
  context,
  counter,
  createLogger,
  extractContext,
  gauge,
  histogram,
  init,
  injectContext,
  recordError,
  trace,
  traced,
  upDownCounter,
  withSpan,
} from '../src/index.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const ERROR = 2;
// created at module top level, before init(): must still export once the SDK runs
const early = counter('early.counter');
const receiver = new OtlpReceiver();
let sdk: SightlineHandle;
const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const port = await receiver.startHttp();
  sdk = init({
    serviceName: 'helpers-test',
    endpoint: `http://127.0.0.1:${port}`,
    protocol: 'http/json',
    handleSignals: false,
    metrics: { exportIntervalMillis: 60_000 },
  });
});
afterAll(async () => {
  await sdk.shutdown();
  await receiver.stop();
});

// Applied by hand as the TypeScript compiler would (the test transformer does not lower decorators).
class Orders {
  async place(id: string): Promise<string> {
    return `placed ${id} in ${trace.getActiveSpan() ? 'a span' : 'no span'}`;
  }
}
// standard (TS 5) decorator call: (method, context)
Orders.prototype.place = traced()(Orders.prototype.place, { kind: 'method', name: 'place' });
class Legacy {
  run(): string {
    return trace.getActiveSpan() ? 'in span' : 'no span';
  }
}
// legacy experimentalDecorators call: (prototype, key, descriptor)
const descriptor = Object.getOwnPropertyDescriptor(Legacy.prototype, 'run') as PropertyDescriptor;
Object.defineProperty(Legacy.prototype, 'run', traced('legacy.run')(Legacy.prototype, 'run', descriptor));

/** A server for the client-span tests: answers every request with `status` and `body`, keeps each traceparent. */
async function calledServer(status: number, body: string) {
  const seen: Array<string | undefined> = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.traceparent as string | undefined);
    res.statusCode = status;
    res.end(body);
  }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, port, seen };
}

describe('helpers in a process that called init()', () => {
  it('a second init() warns and returns the same handle', () => {
    expect(init({ serviceName: 'other' })).toBe(sdk);
  });

  it('withSpan runs sync and async work inside a child span and rethrows with status ERROR', async () => {
    const logger = createLogger({ pretty: false }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const out = await withSpan('outer', { 'job.kind': 'test' }, async () => {
      logger.info('in outer');
      const inner = withSpan('inner', () => 21 * 2);
      await expect(
        withSpan('failing', async () => {
          throw new Error('nope');
        }),
      ).rejects.toThrow('nope');
      expect(() => withSpan('failing-sync', () => JSON.parse('{'))).toThrow(SyntaxError);
      return inner;
    });
    expect(out).toBe(42);
    await sdk.forceFlush();
    const outer = receiver.spans.find((s) => s.name === 'outer');
    expect(outer?.attributes['job.kind']).toBe('test');
    expect(receiver.spans.find((s) => s.name === 'inner')?.parentSpanId).toBe(outer?.spanId);
    const failing = receiver.spans.find((s) => s.name === 'failing');
    expect(failing?.status.code).toBe(ERROR);
    expect(failing?.events[0]?.attributes['exception.message']).toBe('nope');
    expect(receiver.spans.find((s) => s.name === 'failing-sync')?.status.code).toBe(ERROR);
    expect(lines.find((l) => l.msg === 'in outer')?.span_id).toBe(outer?.spanId);
  });

  it('a log call made while another is written (a serializer that logs) gets its own span ids; the outer keeps its', async () => {
    const logger = createLogger(
      {
        pretty: false,
        serializers: { order: (order: string) => withSpan('serialize', () => (logger.info('serializing'), order)) },
      },
      { write: (s: string) => void lines.push(JSON.parse(s)) },
    );
    await withSpan('handle', async () => logger.info({ order: 'o-7' }, 'handled'));
    await sdk.forceFlush();
    const handle = receiver.spans.find((s) => s.name === 'handle');
    const serialize = receiver.spans.find((s) => s.name === 'serialize');
    expect(handle && serialize).toBeTruthy();
    expect(lines.find((l) => l.msg === 'handled')).toMatchObject({ order: 'o-7', span_id: handle?.spanId });
    expect(lines.find((l) => l.msg === 'serializing')?.span_id).toBe(serialize?.spanId);
    expect(receiver.logs.find((l) => l.body === 'handled')?.spanId).toBe(handle?.spanId);
    expect(receiver.logs.find((l) => l.body === 'serializing')?.spanId).toBe(serialize?.spanId);
  });

  it('so does a line of a logger without OTLP records (otlp: false) written inside another call', async () => {
    const write = { write: (s: string) => void lines.push(JSON.parse(s)) };
    const quiet = createLogger({ pretty: false, otlp: false }, write);
    const logger = createLogger(
      {
        pretty: false,
        serializers: { step: (step: string) => withSpan('quiet-step', () => (quiet.info('quiet'), step)) },
      },
      write,
    );
    await withSpan('quiet-outer', async () => logger.info({ step: 's-1' }, 'outer of quiet'));
    await sdk.forceFlush();
    const outer = receiver.spans.find((s) => s.name === 'quiet-outer');
    const step = receiver.spans.find((s) => s.name === 'quiet-step');
    expect(outer && step).toBeTruthy();
    expect(lines.find((l) => l.msg === 'quiet')?.span_id).toBe(step?.spanId);
    expect(lines.find((l) => l.msg === 'outer of quiet')?.span_id).toBe(outer?.spanId);
    expect(receiver.logs.some((l) => l.body === 'quiet')).toBe(false);
  });

  it('the ids reach every line pino writes, whatever its options and destination; the record body is the message pino wrote', async () => {
    const captured: string[] = [];
    const write = { write: (s: string) => void captured.push(s) };
    const prefixed = createLogger({ pretty: false, msgPrefix: '[jobs] ' }, write);
    const noTime = createLogger({ pretty: false, timestamp: false }, write);
    const isoTime = createLogger({ pretty: false, timestamp: pino.stdTimeFunctions.isoTime }, write);
    const hooked = createLogger({ pretty: false, hooks: { streamWrite: (s) => s.replace('secret', '******') } }, write);
    // pino.multistream reads the time back from each line's logger: the ids must not end up in it
    const timesReadBack: unknown[] = [];
    const metadataStream = {
      [Symbol.for('pino.metadata')]: true,
      lastTime: undefined as unknown,
      write(s: string) {
        timesReadBack.push(this.lastTime);
        captured.push(s);
      },
    };
    const multi = createLogger({ pretty: false }, pino.multistream([{ stream: metadataStream }]));
    await withSpan('pino-options', async () => {
      prefixed.child({ job: 'j-1' }).info({ n: 1 }, 'format %s and %d', 'this', 7);
      noTime.info('no time');
      isoTime.warn('iso time');
      hooked.info('a secret');
      multi.error('through multistream');
    });
    prefixed.info('outside');
    await sdk.forceFlush();
    const span = receiver.spans.find((s) => s.name === 'pino-options');
    const parsed = captured.map((s) => JSON.parse(s) as Record<string, unknown>);
    const ids = { trace_id: span?.traceId, span_id: span?.spanId, trace_flags: '01' };
    for (const msg of ['[jobs] format this and 7', 'no time', 'iso time', 'a ******', 'through multistream'])
      expect(
        parsed.find((l) => l.msg === msg),
        msg,
      ).toMatchObject(ids);
    expect(parsed.find((l) => l.msg === '[jobs] format this and 7')).toMatchObject({ job: 'j-1', n: 1 });
    expect(parsed.find((l) => l.msg === 'no time')).not.toHaveProperty('time');
    expect(typeof parsed.find((l) => l.msg === 'iso time')?.time).toBe('string');
    expect(typeof parsed.find((l) => l.msg === 'through multistream')?.time).toBe('number');
    expect(parsed.find((l) => l.msg === '[jobs] outside')).not.toHaveProperty('trace_id');
    expect(receiver.logs.find((l) => l.body === '[jobs] format this and 7')?.spanId).toBe(span?.spanId);
    expect(receiver.logs.find((l) => l.body === 'through multistream')?.spanId).toBe(span?.spanId);
    expect(timesReadBack).toEqual([expect.stringMatching(/^\d+$/)]);
  });

  it('the traced decorator (standard and legacy) names the span Class.method or the given name', async () => {
    expect(await new Orders().place('o1')).toBe('placed o1 in a span');
    expect(new Legacy().run()).toBe('in span');
    await sdk.forceFlush();
    expect(receiver.spans.some((s) => s.name === 'Orders.place')).toBe(true);
    expect(receiver.spans.some((s) => s.name === 'legacy.run')).toBe(true);
  });

  it('recordError marks the active span as failed', async () => {
    withSpan('with-recorded-error', () => recordError(new Error('handled but notable')));
    await sdk.forceFlush();
    const span = receiver.spans.find((s) => s.name === 'with-recorded-error');
    expect(span?.status.code).toBe(ERROR);
    expect(span?.events.find((e) => e.name === 'exception')?.attributes['exception.message']).toBe(
      'handled but notable',
    );
  });

  it('injectContext / extractContext carry the trace through a message header object', async () => {
    const headers = withSpan('producer', () => injectContext({} as Record<string, unknown>));
    expect(String(headers.traceparent)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    context.with(extractContext(headers), () => withSpan('consumer-work', () => undefined));
    await sdk.forceFlush();
    const producer = receiver.spans.find((s) => s.name === 'producer');
    const consumer = receiver.spans.find((s) => s.name === 'consumer-work');
    expect(consumer?.traceId).toBe(producer?.traceId);
    expect(consumer?.parentSpanId).toBe(producer?.spanId);
  });

  it('meter helpers export counters, up-down counters, gauges and histograms', async () => {
    early.add(4);
    counter('orders.created').add(2, { channel: 'web' });
    counter('orders.created').add(1, { channel: 'web' });
    upDownCounter('queue.depth').add(5);
    gauge('cache.size', { unit: 'By' }).record(1024);
    histogram('job.duration', { unit: 's' }).record(0.2);
    await sdk.forceFlush();
    const byName = (n: string) => receiver.metrics.findLast((m) => m.name === n);
    expect(byName('orders.created')?.points[0]?.value).toBe(3);
    expect(byName('early.counter')?.points[0]?.value).toBe(4);
    expect(byName('queue.depth')?.points[0]?.value).toBe(5);
    expect(byName('cache.size')?.unit).toBe('By');
    expect(byName('job.duration')?.points[0]?.count).toBe(1);
    expect(byName('nodejs.eventloop.delay.p99')).toBeDefined();
  });

  it('an outgoing http request gets a CLIENT span whose context reaches the called server, secrets redacted', async () => {
    const { server, port, seen } = await calledServer(200, 'pong');
    await withSpan(
      'caller',
      () =>
        new Promise<void>((resolve, reject) => {
          get(`http://127.0.0.1:${port}/ping?token=abc123&x=1`, (res) => {
            res.resume();
            res.on('end', () => resolve());
          }).on('error', reject);
        }),
    );
    server.close();
    await sdk.forceFlush();
    const caller = receiver.spans.find((s) => s.name === 'caller');
    const client = receiver.spans.find((s) => s.kind === 3 && s.parentSpanId === caller?.spanId);
    expect(client?.name).toBe('GET');
    expect(client?.attributes['url.full']).toBe(`http://127.0.0.1:${port}/ping?token=REDACTED&x=1`);
    expect(client?.attributes['http.response.status_code']).toBe(200);
    expect(seen[0]).toBe(`00-${client?.traceId}-${client?.spanId}-01`);
    const served = receiver.spans.find((s) => s.kind === 2 && s.attributes['url.path'] === '/ping');
    expect(served?.parentSpanId).toBe(client?.spanId);
  });

  it('a fetch() call gets a CLIENT span whose context reaches the called server', async () => {
    const { server, port, seen } = await calledServer(404, 'nope');
    const status = await withSpan(
      'fetch-caller',
      async () => (await fetch(`http://127.0.0.1:${port}/missing?password=hunter2`)).status,
    );
    server.close();
    expect(status).toBe(404);
    await sdk.forceFlush();
    const caller = receiver.spans.find((s) => s.name === 'fetch-caller');
    const client = receiver.spans.find((s) => s.kind === 3 && s.parentSpanId === caller?.spanId);
    expect(client?.attributes['url.full']).toBe(`http://127.0.0.1:${port}/missing?password=REDACTED`);
    expect(client?.attributes['http.response.status_code']).toBe(404);
    expect(client?.status.code).toBe(ERROR);
    expect(seen[0]).toBe(`00-${client?.traceId}-${client?.spanId}-01`);
  });

  it('a request made with the undici package (not the fetch bundled in Node) gets a CLIENT span too', async () => {
    const { server, port, seen } = await calledServer(200, 'pong');
    const status = await withSpan('undici-caller', async () => {
      const res = await undiciRequest(`http://127.0.0.1:${port}/ping?token=abc123`);
      await res.body.text();
      return res.statusCode;
    });
    server.close();
    expect(status).toBe(200);
    await sdk.forceFlush();
    const caller = receiver.spans.find((s) => s.name === 'undici-caller');
    const client = receiver.spans.find((s) => s.kind === 3 && s.parentSpanId === caller?.spanId);
    expect(client?.attributes['url.full']).toBe(`http://127.0.0.1:${port}/ping?token=REDACTED`);
    expect(client?.attributes['http.response.status_code']).toBe(200);
    expect(seen[0]).toBe(`00-${client?.traceId}-${client?.spanId}-01`);
  });
});
