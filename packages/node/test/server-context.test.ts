import { createContextKey, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import type { RPCMetadata } from '@opentelemetry/core';
import { getRPCMetadata, isTracingSuppressed, RPCType, suppressTracing } from '@opentelemetry/core';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { serverContext } from '../src/instrumentations/server-context.js';

const tracer = new BasicTracerProvider().getTracer('server-context-test');

describe('serverContext (the request context of the HTTP server instrumentation)', () => {
  it('answers the span and the RPC metadata, and the parent for every other key', () => {
    const key = createContextKey('server-context-test parent value');
    const parent = ROOT_CONTEXT.setValue(key, 'from parent');
    const span = tracer.startSpan('GET', {}, parent);
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const ctx = serverContext(parent, span, rpc);
    expect(ctx.constructor.name).toBe('ServerContext'); // the lean path is taken with the pinned API
    expect(trace.getSpan(ctx)).toBe(span);
    expect(getRPCMetadata(ctx)).toBe(rpc);
    expect(ctx.getValue(key)).toBe('from parent');
    expect(isTracingSuppressed(ctx)).toBe(false);
  });

  it('derives ordinary contexts that keep span, RPC metadata and parent values', () => {
    const key = createContextKey('server-context-test parent value');
    const parent = ROOT_CONTEXT.setValue(key, 42);
    const span = tracer.startSpan('GET', {}, parent);
    const rpc: RPCMetadata = { type: RPCType.HTTP, span };
    const ctx = serverContext(parent, span, rpc);

    const suppressed = suppressTracing(ctx);
    expect(isTracingSuppressed(suppressed)).toBe(true);
    expect(isTracingSuppressed(ctx)).toBe(false);
    expect(trace.getSpan(suppressed)).toBe(span);
    expect(getRPCMetadata(suppressed)).toBe(rpc);
    expect(suppressed.getValue(key)).toBe(42);

    const child = tracer.startSpan('child', {}, ctx);
    expect(child.spanContext().traceId).toBe(span.spanContext().traceId);
    const withChild = trace.setSpan(ctx, child);
    expect(trace.getSpan(withChild)).toBe(child);
    expect(trace.getSpan(ctx)).toBe(span);
    expect(getRPCMetadata(withChild)).toBe(rpc);

    const withoutSpan = trace.deleteSpan(ctx);
    expect(trace.getSpan(withoutSpan)).toBeUndefined();
    expect(getRPCMetadata(withoutSpan)).toBe(rpc);
    expect(ctx.deleteValue(key).getValue(key)).toBeUndefined();
  });
});
