/** Builders of OTLP/JSON requests (the spec's JSON mapping: hex ids, string int64s) with exactly known content. */
import { hex } from './helpers.js';

export const ns = (ms: number) => `${BigInt(Math.round(ms * 1000)) * 1000n}`;
export const kv = (key: string, v: string | number | boolean | object) => ({
  key,
  value:
    typeof v === 'string'
      ? { stringValue: v }
      : typeof v === 'boolean'
        ? { boolValue: v }
        : typeof v === 'number'
          ? Number.isInteger(v)
            ? { intValue: String(v) }
            : { doubleValue: v }
          : { kvlistValue: { values: Object.entries(v).map(([k, x]) => kv(k, x)) } },
});
export const attrs = (o: Record<string, string | number | boolean | object>) =>
  Object.entries(o).map(([k, v]) => kv(k, v));
export const resource = (service: string, extra: Record<string, string> = {}) => ({
  attributes: attrs({ 'service.name': service, ...extra }),
});

export interface SpanSpec {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startMs: number;
  durationMs: number;
  attributes?: Record<string, string | number | boolean>;
  status?: { code: number; message?: string };
  events?: { timeMs: number; name: string; attributes?: Record<string, string | number> }[];
  links?: { traceId: string; spanId: string }[];
}

export function tracesRequest(service: string, spans: SpanSpec[], scope = { name: 'test-scope', version: '1.2.3' }) {
  return {
    resourceSpans: [
      {
        resource: resource(service),
        scopeSpans: [
          {
            scope,
            spans: spans.map((s) => ({
              traceId: s.traceId,
              spanId: s.spanId,
              parentSpanId: s.parentSpanId ?? '',
              name: s.name,
              kind: s.kind,
              startTimeUnixNano: ns(s.startMs),
              endTimeUnixNano: ns(s.startMs + s.durationMs),
              attributes: attrs(s.attributes ?? {}),
              events: (s.events ?? []).map((e) => ({
                timeUnixNano: ns(e.timeMs),
                name: e.name,
                attributes: attrs(e.attributes ?? {}),
              })),
              links: s.links ?? [],
              status: s.status ?? {},
            })),
          },
        ],
      },
    ],
  };
}

export interface LogSpec {
  timeMs: number;
  severityNumber: number;
  severityText: string;
  body: string | Record<string, string | number>;
  traceId?: string;
  spanId?: string;
  attributes?: Record<string, string | number>;
}

export function logsRequest(service: string, logs: LogSpec[]) {
  return {
    resourceLogs: [
      {
        resource: resource(service),
        scopeLogs: [
          {
            scope: { name: 'pino' },
            logRecords: logs.map((l) => ({
              timeUnixNano: ns(l.timeMs),
              observedTimeUnixNano: ns(l.timeMs),
              severityNumber: l.severityNumber,
              severityText: l.severityText,
              body: typeof l.body === 'string' ? { stringValue: l.body } : kv('b', l.body).value,
              attributes: attrs(l.attributes ?? {}),
              traceId: l.traceId ?? '',
              spanId: l.spanId ?? '',
            })),
          },
        ],
      },
    ],
  };
}

export function metricsRequest(service: string, metrics: object[]) {
  return { resourceMetrics: [{ resource: resource(service), scopeMetrics: [{ scope: { name: 'meter' }, metrics }] }] };
}

/** Deterministic ids: trace n → 32 hex, span n → 16 hex. */
export const traceId = (n: number) => `${hex(0xabc, 4)}${hex(n, 12)}`;
export const spanId = (n: number) => hex(0x1000 + n, 8);

export async function postJson(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: await res.text() };
}
