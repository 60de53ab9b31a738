// GraphQL 17 (outside the official instrumentation's range, 14–16) traced from the tracing channels it publishes
// (src/instrumentations/graphql-channels.ts): a real GraphQL 17 app, required and imported, a real OTLP receiver.

import { AsyncLocalStorage } from 'node:async_hooks';
import { trace } from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installGraphqlChannels, maskedSource } from '../src/instrumentations/graphql-channels.js';
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
    const greet = (await (await fetch(`${app.base}/graphql`)).json()) as { data?: unknown; errors?: unknown[] };
    expect(greet.data).toEqual({
      greeting: 'hello secret-name',
      books: [
        { title: 'Dune', author: { name: 'Frank Herbert' } },
        { title: 'Emma', author: { name: 'Jane Austen' } },
      ],
      shelf: 'main',
      fails: null,
      nothing: null,
    });
    expect(greet.errors?.length).toBe(1);
    const broken = (await (await fetch(`${app.base}/broken`)).json()) as { errors?: unknown[] };
    expect(broken.errors?.length).toBe(1);
    expect(await (await fetch(`${app.base}/subscribe`)).json()).toEqual([{ data: { tick: 7 } }, { data: { tick: 8 } }]);
    await receiver.waitFor(
      () =>
        receiver.spans.some((s) => s.name === 'compose-greeting') &&
        graphqlSpans().some((s) => s.name === 'graphql.resolve books.1.author') &&
        httpSpan('/broken') !== undefined &&
        graphqlSpans().filter((s) => s.name === 'graphql.resolve tick').length >= 2 &&
        graphqlSpans().filter((s) => s.name === 'graphql.parse').length >= 2,
      15_000,
      'the GraphQL spans of the three requests',
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
    // One operation span: the root selection set executed inside it adds none.
    expect(graphqlSpans().filter((s) => s.name === 'query Greet')).toHaveLength(1);
    const operation = inRequest.find((s) => s.name === 'query Greet');
    const masked =
      'query Greet {\n  greeting(name: "*", times: *)\n  books { title author { name } }\n  shelf\n  fails\n  nothing\n}';
    expect(operation?.attributes).toMatchObject({
      'graphql.operation.type': 'query',
      'graphql.operation.name': 'Greet',
      'graphql.source': masked,
    });
    expect(inRequest.find((s) => s.name === 'graphql.parse')?.attributes['graphql.source']).toBe(masked);
    expect(JSON.stringify(receiver.spans)).not.toContain('secret-name');
  });

  it('makes a span for each field a resolver resolves, under the span of the nearest field above it that has one', () => {
    const operation = graphqlSpans().find((s) => s.name === 'query Greet');
    const byPath = new Map(
      graphqlSpans()
        .filter((s) => s.name.startsWith('graphql.resolve ') && s.traceId === operation?.traceId)
        .map((s) => [s.attributes['graphql.field.path'], s]),
    );
    const parentPath = (path: string) => {
      const id = byPath.get(path)?.parentSpanId;
      if (id === operation?.spanId) return 'operation';
      return [...byPath].find(([, s]) => s.spanId === id)?.[0];
    };
    // Not the properties the default resolver reads (books.N.title, books.N.author.name): those are trivial. A root
    // field keeps its span even when the default resolver answers it synchronously (shelf, a root-value method).
    expect([...byPath.keys()].sort()).toEqual(
      ['greeting', 'books', 'shelf', 'fails', 'nothing', 'books.0.author', 'books.1.author'].sort(),
    );
    expect(parentPath('shelf')).toBe('operation');
    expect(parentPath('greeting')).toBe('operation');
    expect(parentPath('books')).toBe('operation');
    expect(parentPath('books.1.author')).toBe('books');
    expect(byPath.get('books.1.author')).toMatchObject({
      name: 'graphql.resolve books.1.author',
      attributes: {
        'graphql.field.name': 'author',
        'graphql.field.type': 'Author!',
        'graphql.parent.name': 'Book',
      },
    });
    expect(byPath.get('books')?.attributes['graphql.field.type']).toBe('[Book!]!');
    expect(byPath.get('nothing')?.status.code).not.toBe(ERROR);
  });

  it("makes a field's span the active one while its resolver runs: its spans and logs are the field's", () => {
    const field = graphqlSpans().find((s) => s.name === 'graphql.resolve greeting');
    const resolver = receiver.spans.find((s) => s.name === 'compose-greeting');
    expect(resolver?.parentSpanId).toBe(field?.spanId);
    const line = app.lines.find((l) => l.msg === 'composing');
    expect(line).toMatchObject({ trace_id: field?.traceId, span_id: resolver?.spanId });
  });

  it('marks the span of a resolver that throws as an error, with the exception', () => {
    const fails = graphqlSpans().find((s) => s.name === 'graphql.resolve fails');
    expect(fails?.status).toMatchObject({ code: ERROR, message: 'no such shelf' });
    expect(fails?.events.find((e) => e.name === 'exception')?.attributes['exception.message']).toBe('no such shelf');
  });

  it('makes an operation span for each event of a subscription, with its field spans under it', () => {
    const server = httpSpan('/subscribe');
    const events = graphqlSpans().filter((s) => s.name === 'subscription Ticks');
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event.parentSpanId).toBe(server?.spanId);
      expect(event.attributes).toMatchObject({
        'graphql.operation.type': 'subscription',
        'graphql.operation.name': 'Ticks',
        'graphql.source': 'subscription Ticks { tick(from: *) }',
      });
      const fields = graphqlSpans().filter((s) => s.parentSpanId === event.spanId);
      expect(fields.map((s) => s.name)).toEqual(['graphql.resolve tick']);
    }
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

describe('a failure inside the GraphQL channel handlers', () => {
  it('never reaches the app: the operation still answers, and nothing is thrown on the next tick', async () => {
    const { buildSchema, execute, parse } = await import('graphql17');
    const uninstall = installGraphqlChannels(trace.getTracer('graphql-test'), new AsyncLocalStorage());
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      // An app may hand execute() any document object; this one's location throws when read (maskedSource reads it
      // while the operation span starts, inside the store transform where Node would rethrow it as uncaught).
      const document = Object.defineProperty({ ...parse('{ a }') }, 'loc', {
        get() {
          throw new Error('no location');
        },
      });
      const schema = buildSchema('type Query { a: String }');
      expect(await execute({ schema, document, rootValue: { a: 'x' } })).toEqual({ data: { a: 'x' } });
      await new Promise((r) => setTimeout(r, 20));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', onUncaught);
      uninstall();
    }
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
