import { describe, expect, it } from 'vitest';
import { type CheckSpan, DEFAULT_THRESHOLDS } from '../src/check/check-model.js';
import { traceIntegrityGate } from '../src/check/trace-integrity-gate.js';

// The gate pairs a childless outgoing call with a root span that another service starts during it. Only calls that
// can carry a traceparent (HTTP, RPC, messaging) may be paired: a database call never reaches another service.
function span(fields: Partial<CheckSpan> & Pick<CheckSpan, 'traceId' | 'spanId' | 'service' | 'kind'>): CheckSpan {
  return {
    parentSpanId: '',
    name: fields.kind,
    startMs: 1_000,
    durationMs: 20,
    statusCode: 'unset',
    scopeName: '@opentelemetry/instrumentation-http',
    attributes: {},
    ...fields,
  };
}

const apiRoot = span({
  traceId: 'b'.repeat(32),
  spanId: '2'.repeat(16),
  service: 'api',
  kind: 'server',
  startMs: 1_005,
});

describe('the broken-traces gate of sightline check', () => {
  it('names an HTTP call whose traceparent did not arrive by service pair', () => {
    const call = span({
      traceId: 'a'.repeat(32),
      spanId: '1'.repeat(16),
      service: 'worker',
      kind: 'client',
      attributes: { 'http.request.method': 'GET', 'url.full': 'http://127.0.0.1:8080/orders' },
    });
    const result = traceIntegrityGate(
      [call, { ...apiRoot, attributes: { 'url.path': '/orders' } }],
      DEFAULT_THRESHOLDS,
    );
    expect(result.status).toBe('fail');
    expect(result.offenders.map((o) => o.key)).toEqual(['worker → api']);
  });

  it('does not take a database call that overlaps another service’s root span for a propagation gap', () => {
    const connect = span({
      traceId: 'a'.repeat(32),
      spanId: '1'.repeat(16),
      service: 'worker',
      kind: 'client',
      name: 'pg-pool.connect',
      scopeName: '@opentelemetry/instrumentation-pg',
    });
    const query = {
      ...connect,
      spanId: '3'.repeat(16),
      name: 'SELECT',
      attributes: { 'db.system.name': 'postgresql' },
    };
    const result = traceIntegrityGate([connect, query, apiRoot], DEFAULT_THRESHOLDS);
    expect(result.status).toBe('pass');
    expect(result.offenders).toEqual([]);
  });
});
