// Lean HTTP client instrumentation: the CLIENT span starts when the request renders its headers (one patch of
// ClientRequest#_implicitHeader, where W3C trace context can still be added) and ends on Node's
// 'http.client.response.finish' / 'http.client.request.error' diagnostics channels. OTLP exports run with tracing
// suppressed and are skipped. ('http.client.request.start' is published after the headers are sent on Node 20.)
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { ClientRequest, IncomingMessage } from 'node:http';
import http from 'node:http';
import type { Span, Tracer } from '@opentelemetry/api';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { createQueryRedactor } from '../redaction.js';
import { isTracingSuppressed } from '../sdk-files.js';
import { kClientSpan, normalizeMethod } from './http-semconv.js';

type Req = ClientRequest & { [kClientSpan]?: Span; agent?: { protocol?: string }; _header?: unknown };

export function installHttpClient(tracer: Tracer, redactQueryParams: readonly string[]): () => void {
  const redactQuery = createQueryRedactor(redactQueryParams);
  const onStart = (request: Req): void => {
    const active = context.active();
    if (isTracingSuppressed(active)) return;
    const method = normalizeMethod(request.method);
    const scheme = request.protocol ?? request.agent?.protocol ?? 'http:';
    const path = request.path ?? '/';
    const q = path.indexOf('?');
    const fullPath = q === -1 ? path : `${path.slice(0, q)}?${redactQuery(path.slice(q + 1))}`;
    const host = request.host;
    const hostHeader = request.getHeader('host');
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'server.address': host,
          'url.full': `${scheme}//${typeof hostHeader === 'string' ? hostHeader : host}${fullPath}`,
        },
      },
      active,
    );
    request[kClientSpan] = span;
    propagation.inject(trace.setSpan(active, span), request, {
      set(req, key, value) {
        (req as ClientRequest).setHeader(key, value);
      },
    });
  };
  const onResponse = (message: unknown): void => {
    const { request, response } = message as { request: Req; response: IncomingMessage };
    const span = request[kClientSpan];
    if (!span) return;
    request[kClientSpan] = undefined;
    const status = response.statusCode ?? 0;
    span.setAttribute('http.response.status_code', status);
    if (status >= 400) {
      span.setAttribute('error.type', String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  const onError = (message: unknown): void => {
    const { request, error } = message as { request: Req; error: Error };
    const span = request[kClientSpan];
    if (!span) return;
    request[kClientSpan] = undefined;
    span.recordException(error);
    span.setAttribute('error.type', (error as { code?: string }).code ?? error.name);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    span.end();
  };
  const proto = http.ClientRequest.prototype as unknown as { _implicitHeader: (this: Req) => void };
  const originalImplicitHeader = proto._implicitHeader;
  proto._implicitHeader = function _implicitHeader(this: Req) {
    if (!this._header && this[kClientSpan] === undefined) {
      try {
        onStart(this);
      } catch {
        // telemetry must not break the request
      }
    }
    return originalImplicitHeader.call(this);
  };
  subscribe('http.client.response.finish', onResponse);
  subscribe('http.client.request.error', onError);
  return () => {
    proto._implicitHeader = originalImplicitHeader;
    unsubscribe('http.client.response.finish', onResponse);
    unsubscribe('http.client.request.error', onError);
  };
}
