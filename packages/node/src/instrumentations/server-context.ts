// The context a request handler runs in: parent + server span + RPC metadata. The API's BaseContext copies its whole
// Map and allocates three closures per setValue, twice per request here; this one is a single small object that
// answers the two keys it adds and asks its parent for the rest. Anything that derives a context from it (a child
// span, suppressTracing, …) gets an ordinary BaseContext built once, on first need.
import type { Context, Span } from '@opentelemetry/api';
import { INVALID_SPAN_CONTEXT, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { getRPCMetadata, RPCType, setRPCMetadata } from '../sdk-files.js';

// The keys the API and core create with Symbol.for (verified below, so a change of name falls back safely).
const SPAN_KEY = Symbol.for('OpenTelemetry Context Key SPAN');
const RPC_KEY = Symbol.for('OpenTelemetry SDK Context Key RPC_METADATA');

class ServerContext implements Context {
  private derived: Context | undefined;
  constructor(
    private readonly parent: Context,
    private readonly span: Span,
    private readonly rpc: RPCMetadata,
  ) {}

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.span;
    if (key === RPC_KEY) return this.rpc;
    return this.parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return this.base().setValue(key, value);
  }

  deleteValue(key: symbol): Context {
    return this.base().deleteValue(key);
  }

  private base(): Context {
    this.derived ??= setRPCMetadata(trace.setSpan(this.parent, this.span), this.rpc);
    return this.derived;
  }
}

function standardServerContext(parent: Context, span: Span, rpc: RPCMetadata): Context {
  return setRPCMetadata(trace.setSpan(parent, span), rpc);
}

function leanServerContext(parent: Context, span: Span, rpc: RPCMetadata): Context {
  return new ServerContext(parent, span, rpc);
}

function leanContextWorks(): boolean {
  const span = trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  const rpc: RPCMetadata = { type: RPCType.HTTP, span };
  const ctx = new ServerContext(ROOT_CONTEXT, span, rpc);
  const probe = Symbol('sightline.probe');
  const derived = ctx.setValue(probe, 1);
  return (
    trace.getSpan(ctx) === span &&
    getRPCMetadata(ctx) === rpc &&
    trace.getSpan(derived) === span &&
    getRPCMetadata(derived) === rpc &&
    derived.getValue(probe) === 1 &&
    trace.getSpan(trace.deleteSpan(ctx)) === undefined
  );
}

/** `setRPCMetadata(trace.setSpan(parent, span), rpc)`, as one allocation when the API's keys are the expected ones. */
export const serverContext: (parent: Context, span: Span, rpc: RPCMetadata) => Context = leanContextWorks()
  ? leanServerContext
  : standardServerContext;
