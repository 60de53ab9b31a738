// GraphQL 17 spans from the tracing channels graphql-js publishes itself (graphql:parse, graphql:validate,
// graphql:execute; GraphQL 17 finds node:diagnostics_channel with process.getBuiltinModule, Node ≥ 20.16). The
// official instrumentation patches graphql 14–16 only; nothing is published by those, so the two never overlap. Span
// names and attributes follow the official instrumentation's: `graphql.parse`, `graphql.validate`, the operation
// (`query GetUser`) for execute, `graphql.source` with its literal values masked. No per-field resolver spans.
import type { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';

interface GraphqlToken {
  kind: string;
  start: number;
  end: number;
  next: GraphqlToken | null;
}
interface GraphqlDocument {
  loc?: { startToken?: GraphqlToken; source?: { body?: string } };
  definitions?: ReadonlyArray<{ kind?: string }>;
}
interface ChannelContext {
  document?: GraphqlDocument;
  result?: unknown;
  error?: unknown;
  operationName?: string;
  operationType?: string;
  [kSpan]?: Span;
}

const kSpan = Symbol('sightline.graphql.span');
/** Token kinds whose text is a value the app put in the query (the official instrumentation's list). */
const LITERALS = new Set(['String', 'BlockString', 'Int', 'Float']);

/** The document's text with every literal value written as `*` (strings as `"*"`) and comments left out. */
export function maskedSource(document: GraphqlDocument | undefined): string | undefined {
  const body = document?.loc?.source?.body;
  let token = document?.loc?.startToken?.next ?? null;
  if (body === undefined || token === null) return undefined;
  let out = '';
  let from = 0;
  for (; token !== null; token = token.next) {
    const masked =
      token.kind === 'Comment' ? '' : token.kind === 'String' ? '"*"' : LITERALS.has(token.kind) ? '*' : undefined;
    if (masked === undefined) continue;
    out += body.slice(from, token.start) + masked;
    from = token.end;
  }
  return (out + body.slice(from)).trim();
}

function isOperation(document: GraphqlDocument | undefined): boolean {
  return document?.definitions?.some((d) => d.kind === 'OperationDefinition') === true;
}

function finish(ctx: ChannelContext): void {
  const span = ctx[kSpan];
  if (span === undefined) return;
  ctx[kSpan] = undefined;
  if (ctx.error !== undefined) {
    span.recordException(ctx.error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (ctx.error as Error)?.message });
  }
  span.end();
}

/** Ends the span at `end` when the call returned (or threw) synchronously; a promise ends it at `asyncEnd`. */
function onEnd(ctx: ChannelContext): void {
  if (ctx.result !== undefined || ctx.error !== undefined) finish(ctx);
}

/**
 * Subscribes to GraphQL's tracing channels. `store`: the context manager's AsyncLocalStorage, so that the execute span
 * is the active one while the operation runs (resolvers' database spans become its children); without it the span is
 * recorded but not made active. Returns the unsubscribe.
 */
export function installGraphqlChannels(tracer: Tracer, store: AsyncLocalStorage<Context> | undefined): () => void {
  const active = (): Context => context.active();

  const parse = tracingChannel<unknown, ChannelContext>('graphql:parse');
  const parseHandlers = {
    start(ctx: ChannelContext) {
      ctx[kSpan] = tracer.startSpan('graphql.parse', {}, active());
    },
    end(ctx: ChannelContext) {
      const span = ctx[kSpan];
      const document = ctx.result as GraphqlDocument | undefined;
      if (span !== undefined && document !== undefined) {
        if (!isOperation(document)) span.updateName('graphql.parseSchema');
        const source = maskedSource(document);
        if (source !== undefined) span.setAttribute('graphql.source', source);
      }
      finish(ctx);
    },
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  };

  const validate = tracingChannel<unknown, ChannelContext>('graphql:validate');
  const validateHandlers = {
    start(ctx: ChannelContext) {
      ctx[kSpan] = tracer.startSpan(ctx.document?.loc ? 'graphql.validate' : 'graphql.validateSchema', {}, active());
    },
    end(ctx: ChannelContext) {
      const errors = ctx.result as readonly unknown[] | undefined;
      if (errors !== undefined && errors.length > 0)
        ctx[kSpan]?.recordException({ name: 'graphql.validation.error', message: JSON.stringify(errors) });
      finish(ctx);
    },
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  };

  const execute = tracingChannel<unknown, ChannelContext>('graphql:execute');
  const startExecute = (ctx: ChannelContext, parent: Context): Context => {
    const type = ctx.operationType;
    const name = ctx.operationName;
    const span = tracer.startSpan(type ? (name ? `${type} ${name}` : type) : 'graphql.execute', {}, parent);
    if (type) span.setAttribute('graphql.operation.type', type);
    if (name) span.setAttribute('graphql.operation.name', name);
    const source = maskedSource(ctx.document);
    if (source !== undefined) span.setAttribute('graphql.source', source);
    ctx[kSpan] = span;
    return trace.setSpan(parent, span);
  };
  // With the store bound, the span starts as the store is entered (before `start` is published) and is active inside.
  if (store !== undefined) execute.start.bindStore(store, (ctx: ChannelContext) => startExecute(ctx, active()));
  const executeHandlers = {
    start(ctx: ChannelContext) {
      if (store === undefined) startExecute(ctx, active());
    },
    end: onEnd,
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  };

  parse.subscribe(parseHandlers);
  validate.subscribe(validateHandlers);
  execute.subscribe(executeHandlers);
  return () => {
    parse.unsubscribe(parseHandlers);
    validate.unsubscribe(validateHandlers);
    execute.unsubscribe(executeHandlers);
    if (store !== undefined) execute.start.unbindStore(store);
  };
}
