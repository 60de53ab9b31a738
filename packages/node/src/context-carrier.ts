// Carrying trace context through queues and background jobs (W3C traceparent + baggage).

import type { Context } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

/** Writes the active context into carrier (e.g. message headers) and returns it. */
export function injectContext<T extends Record<string, unknown>>(
  carrier: T = {} as T,
  ctx: Context = context.active(),
): T {
  propagation.inject(ctx, carrier);
  return carrier;
}

/** Reads a context from carrier; use with `context.with(extractContext(headers), () => …)`. */
export function extractContext(
  carrier: Record<string, unknown> | undefined | null,
  parent: Context = ROOT_CONTEXT,
): Context {
  if (!carrier) return parent;
  return propagation.extract(parent, carrier, {
    get(c, key) {
      const v = (c as Record<string, unknown>)[key];
      if (v === undefined || v === null) return undefined;
      if (Array.isArray(v)) return v.map(String);
      return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    },
    keys(c) {
      return Object.keys(c as object);
    },
  });
}
