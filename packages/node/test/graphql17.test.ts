// GraphQL 17 (outside the official instrumentation's range, 14–16) traced from the tracing channels it publishes
// (src/instrumentations/graphql-channels.ts): a real GraphQL 17 app, required and imported, a real OTLP receiver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskedSource } from '../src/instrumentations/graphql-channels.js';
import { type AppProcess, otlpEnv, startApp } from './support/app-process.js';
import { OtlpReceiver } from './support/otlp-receiver.js';

const ERROR = 2;
const SCOPE = '@sightline/node/graphql';

const apps = [
  { module: 'CommonJS', fixture: 'graphql17-app.cjs', flag: '--require' },
  { module: 'ES module', fixture: 'graphql17-app.mjs', flag: '--import' },
] as const;

describe.each(apps)('a GraphQL 17 $module app ($flag)', ({ fixture, flag }) => {
  const receiver = new OtlpReceiver();
  let app: AppProcess;
  const httpSpan = (path: string) =>
    receiver.spans.find((s) => s.scope === '@sightline/node/http' && s.attributes['url.path'] === path);
  const graphqlSpans = () => receiver.spans.filter((s) => s.scope === SCOPE);

  beforeAll(async () => {
    const port = await receiver.startHttp();
    app = await startApp(fixture, {
      flag,
      env: { ...otlpEnv('http/protobuf', port), OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
    expect(await (await fetch(`${app.base}/graphql`)).json()).toEqual({ data: { greeting: 'hello secret-name' } });
    const broken = (await (await fetch(`${app.base}/broken`)).json()) as { errors?: unknown[] };
    expect(broken.errors?.length).toBe(1);
    await receiver.waitFor(
      () =>
        receiver.spans.some((s) => s.name === 'compose-greeting') &&
        httpSpan('/broken') !== undefined &&
        graphqlSpans().filter((s) => s.name === 'graphql.parse').length >= 2,
      15_000,
      'the GraphQL spans of both requests',
    );
  });
  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
  });

  it('traces parse, validate and the named operation under the request span, literal values masked', () => {
    const server = httpSpan('/graphql');
    const inRequest = graphqlSpans().filter((s) => s.parentSpanId === server?.spanId);
    expect(inRequest.map((s) => s.name).sort()).toEqual(['graphql.parse', 'graphql.validate', 'query Greet']);
    const operation = inRequest.find((s) => s.name === 'query Greet');
    const masked = 'query Greet {\n  greeting(name: "*", times: *)\n}';
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Greet',
      'graphql.source': masked,
    });
    expect(inRequest.find((s) => s.name === 'graphql.parse')?.attributes['graphql.source']).toBe(masked);
    expect(JSON.stringify(receiver.spans)).not.toContain('secret-name');
  });

  it("makes the operation the active span while resolvers run: their spans and logs are the operation's", () => {
    const operation = graphqlSpans().find((s) => s.name === 'query Greet');
    const resolver = receiver.spans.find((s) => s.name === 'compose-greeting');
    expect(resolver?.parentSpanId).toBe(operation?.spanId);
    const line = app.lines.find((l) => l.msg === 'composing');
    expect(line).toMatchObject({ trace_id: operation?.traceId, span_id: resolver?.spanId });
  });

  it('marks a query that does not parse as an error, with the exception', () => {
    const server = httpSpan('/broken');
    const parse = graphqlSpans().find((s) => s.name === 'graphql.parse' && s.parentSpanId === server?.spanId);
    expect(parse?.status.code).toBe(ERROR);
    expect(parse?.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it('names the parse of a schema (SDL) graphql.parseSchema', () => {
    expect(graphqlSpans().some((s) => s.name === 'graphql.parseSchema')).toBe(true);
  });
});

describe('the masked GraphQL source', () => {
  it('keeps the query text and writes every literal as *', async () => {
    const { parse } = await import('graphql17');
    const doc = parse('# who\nquery Q($x: Int = 3) { a(s: "t", f: 1.5, b: """long""") { b } }');
    expect(maskedSource(doc)).toBe('query Q($x: Int = *) { a(s: "*", f: *, b: *) { b } }');
    expect(maskedSource(parse('{ a }', { noLocation: true }))).toBeUndefined();
  });
});
