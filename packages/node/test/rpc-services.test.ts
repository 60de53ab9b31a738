import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const SERVER = 2;
const CLIENT = 3;

const apps = [
  { module: 'CommonJS', fixture: 'rpc-services-app.cjs', flag: '--require' },
  { module: 'ES module', fixture: 'rpc-services-app.mjs', flag: '--import' },
] as const;

describe.each(apps)('a $module app ($flag) serving GraphQL and calling gRPC', ({ fixture, flag }) => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;
  const httpSpan = (path: string) =>
    receiver.spans.find((s) => s.scope === '@sightline/node/http' && s.attributes['url.path'] === path);

  beforeAll(async () => {
    const port = await receiver.startHttp();
    // This package depends on @grpc/grpc-js, as an app that uses it does: the grpc instrumentation is enabled.
    app = await startApp(fixture, { flag, env: { ...otlpEnv('http/protobuf', port), OTEL_BSP_SCHEDULE_DELAY: '200' } });
    expect(await (await fetch(`${app.base}/graphql`)).json()).toEqual({ data: { item: 'item 7', version: '1.0' } });
    expect(await (await fetch(`${app.base}/greet`)).json()).toEqual({ message: 'hello ada' });
    await receiver.waitFor(
      () =>
        receiver.spans.some((s) => s.name === 'graphql.validate') &&
        receiver.spans.filter((s) => s.attributes['rpc.system'] === 'grpc').length === 2 &&
        httpSpan('/greet') !== undefined,
      20_000,
      'graphql and grpc spans',
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('traces the GraphQL operation under the request span, without literal values', () => {
    const server = httpSpan('/graphql');
    const graphql = receiver.spans.filter((s) => s.scope === '@opentelemetry/instrumentation-graphql');
    for (const name of ['graphql.parse', 'graphql.validate', 'query']) {
      const span = graphql.find((s) => s.name === name);
      expect(span?.traceId, name).toBe(server?.traceId);
      expect(receiver.isDescendant(span, server), name).toBe(true);
    }
    expect(graphql.find((s) => s.name === 'query')?.attributes['graphql.source']).toBe('{ item(id: *) version }');
  });

  it('makes a span for a field its resolver function resolves, none for a plain property (a trivial field)', () => {
    const names = receiver.spans
      .filter((s) => s.scope === '@opentelemetry/instrumentation-graphql')
      .map((s) => s.name)
      .filter((name) => name.startsWith('graphql.resolve'));
    expect(names).toEqual(['graphql.resolve item']);
  });

  it('makes the gRPC client call a child of the request span and the gRPC server span its child', () => {
    const server = httpSpan('/greet');
    const client = receiver.spans.find((s) => s.kind === CLIENT && s.attributes['rpc.system'] === 'grpc');
    const handler = receiver.spans.find((s) => s.kind === SERVER && s.attributes['rpc.system'] === 'grpc');
    expect(client).toMatchObject({
      name: 'grpc.sightline.test.Greeter/Greet',
      traceId: server?.traceId,
      parentSpanId: server?.spanId,
      attributes: { 'rpc.service': 'sightline.test.Greeter', 'rpc.method': 'Greet', 'rpc.grpc.status_code': 0 },
    });
    expect(handler).toMatchObject({ traceId: server?.traceId, parentSpanId: client?.spanId });
    const line = app.lines.find((l) => l.msg === 'greeting');
    expect(line).toMatchObject({ trace_id: server?.traceId, span_id: handler?.spanId });
  });
});
