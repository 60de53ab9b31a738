// GraphQL 17 spans from the tracing channels graphql-js publishes itself (graphql:parse, graphql:validate,
// graphql:execute, graphql:execute:rootSelectionSet, graphql:resolve; GraphQL 17 finds node:diagnostics_channel with
// process.getBuiltinModule, Node ≥ 20.16). The official instrumentation patches graphql 14–16 only; nothing is
// published by those, so the two never overlap. Span names and attributes follow the official instrumentation's
// defaults: `graphql.parse`, `graphql.validate`, the operation (`query GetUser`) for an execute and for each event of
// a subscription, with `graphql.source` (literal values masked), and one `graphql.resolve <path>` span per field a
// resolver resolves (not for a property the default resolver reads), under the span of the nearest field above it.
import type { AsyncLocalStorage } from 'node:async_hooks';
import { tracingChannel } from 'node:diagnostics_channel';
import type { Context, Span, Tracer } from '@opentelemetry/api';
import { context, createContextKey, SpanStatusCode, trace } from '@opentelemetry/api';

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
/** What graphql:resolve publishes for each field it resolves. */
interface ResolveContext extends ChannelContext {
  fieldName: string;
  parentType: string;
  fieldType: string;
  /** Response keys from the root, list indices included: `books.0.title`. */
  fieldPath: string;
  /** The field has no resolver of its own: GraphQL's default one reads (or calls) the property of its parent. */
  isDefaultResolver: boolean;
  [kFields]?: Map<string, Span>;
}
/** The operation being executed and the span of each field resolved so far (by path), for the resolver spans. */
interface OperationFields {
  readonly span: Span;
  readonly fields: Map<string, Span>;
}
const kOperation = createContextKey('sightline.graphql.operation');

const kSpan = Symbol('sightline.graphql.span');
const kFields = Symbol('sightline.graphql.fields');
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

/**
 * Ends the span at `end` when the call returned (or threw) synchronously: graphql sets `result` (possibly to
 * undefined) or `error` before publishing `end` then; for a promise it sets them later and publishes `asyncEnd`.
 */
function onEnd(ctx: ChannelContext): void {
  if ('result' in ctx || 'error' in ctx) finish(ctx);
}

/** The span of the nearest field above `path` that has one, else the operation's. */
function parentFieldSpan(operation: OperationFields, path: string): Span {
  for (let end = path.lastIndexOf('.'); end > 0; end = path.lastIndexOf('.', end - 1)) {
    const span = operation.fields.get(path.slice(0, end));
    if (span !== undefined) return span;
  }
  return operation.span;
}

/**
 * `fn`, made safe to run inside GraphQL's channels: Node rethrows whatever a subscriber or a store transform throws as
 * an uncaught exception, on the next tick, and the process dies. A failure of ours is dropped instead (the span it
 * concerned is then not recorded or not ended); GraphQL goes on.
 */
function guard<T>(fn: (ctx: T) => void): (ctx: T) => void {
  return (ctx) => {
    try {
      fn(ctx);
    } catch {
      // never into the app
    }
  };
}

/**
 * Subscribes guarded `start` and `end` to a tracing channel (a promise's asyncEnd ends the span); returns the
 * unsubscribe.
 */
function subscribeGuarded<T extends ChannelContext>(
  name: string,
  start: (ctx: T) => void,
  end: (ctx: T) => void,
): () => void {
  const channel = tracingChannel<unknown, T>(name);
  const handlers = { start: guard(start), end: guard(end), asyncStart() {}, asyncEnd: guard(finish), error() {} };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}

/**
 * Traces a channel whose span is the active one while the call runs: `start` makes the span and returns the context
 * with it. With the store bound, the span starts as the store is entered (before `start` is published) and is active
 * inside; without a store it is recorded but not made active. Returns the unsubscribe.
 */
function traceActive<T extends ChannelContext>(
  name: string,
  store: AsyncLocalStorage<Context> | undefined,
  start: (ctx: T, current: Context) => Context,
  end: (ctx: T) => void = onEnd,
): () => void {
  const channel = tracingChannel<unknown, T>(name);
  if (store !== undefined)
    channel.start.bindStore(store, (ctx: T) => {
      const current = context.active();
      try {
        return start(ctx, current);
      } catch {
        return current; // see guard()
      }
    });
  const unsubscribe = subscribeGuarded(
    name,
    (ctx: T) => {
      if (store === undefined) start(ctx, context.active());
    },
    end,
  );
  return () => {
    unsubscribe();
    if (store !== undefined) channel.start.unbindStore(store);
  };
}

/**
 * Subscribes to GraphQL's tracing channels. `store`: the context manager's AsyncLocalStorage, so that the operation's
 * and each field's span are the active ones while they run (a resolver's database spans become its field's children).
 * Returns the unsubscribe.
 */
export function installGraphqlChannels(tracer: Tracer, store: AsyncLocalStorage<Context> | undefined): () => void {
  const active = (): Context => context.active();

  const parsed = subscribeGuarded(
    'graphql:parse',
    (ctx: ChannelContext) => {
      ctx[kSpan] = tracer.startSpan('graphql.parse', {}, active());
    },
    (ctx: ChannelContext) => {
      const span = ctx[kSpan];
      const document = ctx.result as GraphqlDocument | undefined;
      if (span !== undefined && document !== undefined) {
        if (!isOperation(document)) span.updateName('graphql.parseSchema');
        const source = maskedSource(document);
        if (source !== undefined) span.setAttribute('graphql.source', source);
      }
      finish(ctx);
    },
  );
  const validated = subscribeGuarded(
    'graphql:validate',
    (ctx: ChannelContext) => {
      ctx[kSpan] = tracer.startSpan(ctx.document?.loc ? 'graphql.validate' : 'graphql.validateSchema', {}, active());
    },
    (ctx: ChannelContext) => {
      const errors = ctx.result as readonly unknown[] | undefined;
      if (errors !== undefined && errors.length > 0)
        ctx[kSpan]?.recordException({ name: 'graphql.validation.error', message: JSON.stringify(errors) });
      finish(ctx);
    },
  );

  const startOperation = (ctx: ChannelContext, parent: Context): Context => {
    const type = ctx.operationType;
    const name = ctx.operationName;
    const span = tracer.startSpan(type ? (name ? `${type} ${name}` : type) : 'graphql.execute', {}, parent);
    if (type) span.setAttribute('graphql.operation.type', type);
    if (name) span.setAttribute('graphql.operation.name', name);
    const source = maskedSource(ctx.document);
    if (source !== undefined) span.setAttribute('graphql.source', source);
    ctx[kSpan] = span;
    const fields: OperationFields = { span, fields: new Map() };
    return trace.setSpan(parent, span).setValue(kOperation, fields);
  };

  // A field's resolver runs inside its span; the fields below it are resolved after it returns, outside that span,
  // so their parent is found by path among the operation's fields (as the official instrumentation does).
  const startField = (ctx: ResolveContext, current: Context): Context => {
    const operation = current.getValue(kOperation) as OperationFields | undefined;
    const path = ctx.fieldPath;
    const parent = operation === undefined ? current : trace.setSpan(current, parentFieldSpan(operation, path));
    const span = tracer.startSpan(`graphql.resolve ${path}`, {}, parent);
    span.setAttribute('graphql.field.name', ctx.fieldName);
    span.setAttribute('graphql.field.path', path);
    span.setAttribute('graphql.field.type', ctx.fieldType);
    span.setAttribute('graphql.parent.name', ctx.parentType);
    if (operation !== undefined) {
      operation.fields.set(path, span);
      ctx[kFields] = operation.fields;
    }
    ctx[kSpan] = span;
    return trace.setSpan(parent, span);
  };
  // A property read by the default resolver (`books.0.title`: most fields of a list) is dropped, never ended and so
  // never exported: such spans say nothing and, a list item each, would crowd the span queue out (the official
  // instrumentation's ignoreTrivialResolveSpans, which the graphql 14–16 route gets too). The fields below it
  // then hang under the nearest field that kept its span. A root field keeps its span: the channel does not tell a
  // root-value method from a property, and a root field is one per operation, the method the app wrote as resolver.
  const endField = (ctx: ResolveContext): void => {
    // `result` is set by `end` only for a value returned synchronously (a promise's comes at asyncEnd).
    if (ctx.isDefaultResolver && 'result' in ctx && !('error' in ctx) && ctx.fieldPath.includes('.')) {
      ctx[kFields]?.delete(ctx.fieldPath);
      ctx[kSpan] = undefined;
      return;
    }
    onEnd(ctx);
  };

  const undo = [
    parsed,
    validated,
    traceActive('graphql:execute', store, startOperation),
    // Each event of a subscription is executed on its own, without graphql:execute (the subscribe call publishes
    // graphql:subscribe): a root selection set executed with no operation span active is such an event, and gets
    // the operation's span, as the official instrumentation makes one per event. Inside an execute it adds nothing.
    traceActive('graphql:execute:rootSelectionSet', store, (ctx: ChannelContext, current) =>
      current.getValue(kOperation) === undefined ? startOperation(ctx, current) : current,
    ),
    traceActive('graphql:resolve', store, startField, endField),
  ];
  return () => {
    for (const u of undo) u();
  };
}
