// Lean fetch/undici client instrumentation on undici's diagnostics channels (Node's global fetch publishes them):
// a CLIENT span per request, W3C trace context added to its headers, ended when the response headers arrive.
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Span, Tracer } from '@opentelemetry/api';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createQueryRedactor } from '../redaction.js';
import { isTracingSuppressed } from '../sdk-files.js';
import { normalizeMethod } from './http-semconv.js';

interface UndiciRequest {
  method?: string;
  origin?: string | URL;
  path?: string;
  addHeader?(name: string, value: string): unknown;
}

export function installFetchClient(tracer: Tracer, redactQueryParams: readonly string[]): () => void {
  const redactQuery = createQueryRedactor(redactQueryParams);
  const spans = new WeakMap<object, Span>();

  const onCreate = (message: unknown): void => {
    const request = (message as { request: UndiciRequest }).request;
    const active = context.active();
    if (isTracingSuppressed(active) || typeof request.addHeader !== 'function') return;
    const method = normalizeMethod(request.method);
    const origin = String(request.origin ?? '');
    const path = request.path ?? '/';
    const q = path.indexOf('?');
    const fullPath = q === -1 ? path : `${path.slice(0, q)}?${redactQuery(path.slice(q + 1))}`;
    let address: string | undefined;
    let port: number | undefined;
    try {
      const u = new URL(origin);
      address = u.hostname;
      port = Number(u.port) || (u.protocol === 'https:' ? 443 : 80);
    } catch {
      // origin is informational only
    }
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'url.full': `${origin}${fullPath}`,
          ...(address ? { 'server.address': address, 'server.port': port } : {}),
        },
      },
      active,
    );
    spans.set(request, span);
    const carrier: Record<string, string> = {};
    propagation.inject(trace.setSpan(active, span), carrier);
    for (const [k, v] of Object.entries(carrier)) request.addHeader(k, v);
  };
  const onHeaders = (message: unknown): void => {
    const { request, response } = message as { request: object; response: { statusCode: number } };
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    span.setAttribute('http.response.status_code', response.statusCode);
    if (response.statusCode >= 400) {
      span.setAttribute('error.type', String(response.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  const onError = (message: unknown): void => {
    const { request, error } = message as { request: object; error: Error };
    const span = spans.get(request);
    if (!span) return;
    spans.delete(request);
    span.recordException(error);
    span.setAttribute('error.type', (error as { code?: string }).code ?? error.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:headers', onHeaders);
  subscribe('undici:request:error', onError);
  return () => {
    unsubscribe('undici:request:create', onCreate);
    unsubscribe('undici:request:headers', onHeaders);
    unsubscribe('undici:request:error', onError);
  };
}
