import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const SERVER = 2;

describe('OTEL_PROPAGATORS chooses the context formats a service reads and writes', () => {
  const receiver = new OtlpReceiver();
  let port: number;
  const apps: AppProcess[] = [];
  const start = async (propagators: string): Promise<AppProcess> => {
    const app = await startApp('propagation-app.cjs', {
      flag: '--require',
      env: { ...otlpEnv('http/protobuf', port), OTEL_PROPAGATORS: propagators },
    });
    apps.push(app);
    return app;
  };

  beforeAll(async () => {
    port = await receiver.startHttp();
  });
  afterAll(async () => {
    await Promise.all(apps.map((a) => a.stop()));
    await receiver.stop();
  });

  it('b3multi: continues a trace from X-B3-* headers and writes X-B3-* (not traceparent) downstream', async () => {
    const app = await start('b3multi');
    const seen = (await (
      await fetch(`${app.base}/hop`, {
        headers: { 'x-b3-traceid': TRACE_ID, 'x-b3-spanid': PARENT_ID, 'x-b3-sampled': '1' },
      })
    ).json()) as Record<string, string>;
    expect(seen['x-b3-traceid']).toBe(TRACE_ID);
    expect(seen['x-b3-spanid']).toMatch(/^[0-9a-f]{16}$/);
    expect(seen['x-b3-spanid']).not.toBe(PARENT_ID);
    expect(seen.traceparent).toBeUndefined();
    await receiver.waitFor(
      () => receiver.spans.some((s) => s.kind === SERVER && s.traceId === TRACE_ID && s.parentSpanId === PARENT_ID),
      15_000,
      'the server span continuing the B3 trace',
    );
  });

  it('tracecontext,b3: writes both formats for the same trace', async () => {
    const app = await start('tracecontext,b3');
    const seen = (await (await fetch(`${app.base}/hop`)).json()) as Record<string, string>;
    const traceId = seen.traceparent?.split('-')[1];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(seen.b3?.split('-')[0]).toBe(traceId);
  });

  it('none: neither reads nor writes trace context', async () => {
    const app = await start('none');
    const seen = (await (
      await fetch(`${app.base}/hop`, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } })
    ).json()) as Record<string, string>;
    expect(seen.traceparent).toBeUndefined();
    expect(seen.b3).toBeUndefined();
  });

  it('an unknown name: one warning naming the variable, and the known ones still apply', async () => {
    const app = await start('b3,smoke-signals');
    const seen = (await (await fetch(`${app.base}/hop`)).json()) as Record<string, string>;
    expect(seen.b3).toMatch(/^[0-9a-f]{32}-[0-9a-f]{16}-1$/);
    expect(app.stderr()).toContain(
      'SIGHTLINE_ERR_SDK_PROPAGATOR: OTEL_PROPAGATORS names "smoke-signals", which is not accepted; use any of tracecontext, baggage, b3, b3multi, jaeger, none',
    );
  });
});
