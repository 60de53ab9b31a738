// withSpan / traced / recordError: manual spans that behave like the automatic ones.

import type { Attributes, Span } from '@opentelemetry/api';
import { context, SpanStatusCode, trace } from '@opentelemetry/api';

const TRACER_NAME = '@sightline/node';

function fail(span: Span, err: unknown): void {
  const e = err instanceof Error ? err : new Error(String(err));
  span.recordException(e);
  span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
}

function isPromiseLike(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === 'object' || typeof v === 'function') &&
    typeof (v as PromiseLike<unknown>).then === 'function'
  );
}

export function withSpan<T>(name: string, fn: (span: Span) => T): T;
export function withSpan<T>(name: string, attributes: Attributes | undefined, fn: (span: Span) => T): T;
/**
 * Runs fn inside a new span that is active for everything fn does (sync or async). On throw/rejection the span
 * gets status ERROR and an exception event, and the error is rethrown.
 */
export function withSpan<T>(name: string, a: Attributes | undefined | ((span: Span) => T), b?: (span: Span) => T): T {
  const fn = (typeof a === 'function' ? a : b) as (span: Span) => T;
  const attributes = typeof a === 'function' ? undefined : a;
  if (typeof fn !== 'function') throw new TypeError(`withSpan("${name}"): the last argument must be a function`);
  const span = trace.getTracer(TRACER_NAME).startSpan(name, attributes ? { attributes } : undefined);
  const ctx = trace.setSpan(context.active(), span);
  let result: T;
  try {
    result = context.with(ctx, fn, undefined, span);
  } catch (err) {
    fail(span, err);
    span.end();
    throw err;
  }
  if (isPromiseLike(result)) {
    return Promise.resolve(result).then(
      (v) => {
        span.end();
        return v;
      },
      (err: unknown) => {
        fail(span, err);
        span.end();
        throw err;
      },
    ) as T;
  }
  span.end();
  return result;
}

type AnyMethod = (this: unknown, ...args: never[]) => unknown;

/**
 * Method decorator (TypeScript 5 standard decorators, and legacy experimentalDecorators): each call runs in a span
 * named `Class.method` (or the given name).
 */
export function traced(name?: string, attributes?: Attributes) {
  return function decorate(target: unknown, ctxOrKey: unknown, descriptor?: PropertyDescriptor): any {
    if (descriptor && typeof descriptor.value === 'function') {
      // legacy decorator: (prototype, key, descriptor)
      const original = descriptor.value as AnyMethod;
      const owner = (target as { constructor?: { name?: string } })?.constructor?.name ?? 'anonymous';
      const spanName = name ?? `${owner}.${String(ctxOrKey)}`;
      descriptor.value = function (this: unknown, ...args: never[]) {
        return withSpan(spanName, attributes, () => original.apply(this, args));
      };
      return descriptor;
    }
    const original = target as AnyMethod;
    const methodName = String((ctxOrKey as { name?: string | symbol })?.name ?? original.name);
    return function (this: unknown, ...args: never[]) {
      const owner = (this as { constructor?: { name?: string } })?.constructor?.name ?? 'anonymous';
      return withSpan(name ?? `${owner}.${methodName}`, attributes, () => original.apply(this, args));
    };
  };
}

/** Marks the active span as failed with this error (exception event + status ERROR). No-op outside spans. */
export function recordError(err: unknown): void {
  const span = trace.getSpan(context.active());
  if (span) fail(span, err);
}
