// Realistic OTLP payloads for the server benchmark: batches of 1,000 spans (~12 attributes, 1 event per 10 spans,
// 10 spans per trace) and of 1,000 log records, timestamps spread over the last hour.

import { fileURLToPath } from 'node:url';
import { decodeOtlpJson } from '@sightline/server';
import protobuf from 'protobufjs';

const root = protobuf.loadSync(fileURLToPath(new URL('../../packages/server/proto/otlp.proto', import.meta.url)));
const TraceReq = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const LogsReq = root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');

const hex = (n, bytes) => n.toString(16).padStart(bytes * 2, '0');
const s = (key, v) => ({ key, value: { stringValue: v } });
const i = (key, v) => ({ key, value: { intValue: String(v) } });
const SERVICES = ['api', 'inventory', 'worker', 'billing'];
const ROUTES = ['/orders/:id', '/orders', '/stock/:sku', '/cart', '/checkout'];

/** Trace ids of batch b: traceId(b, t) for t in 0..99 */
export const traceIdOf = (worker, b, t) => `${hex(worker + 1, 2)}${hex(b, 6)}${hex(t + 1, 8)}`;

export function spanBatch(worker, b, nowMs) {
  const resourceSpans = SERVICES.map((service) => ({
    resource: {
      attributes: [
        s('service.name', service),
        s('service.version', '1.4.2'),
        s('host.name', 'bench-host'),
        s('deployment.environment.name', 'bench'),
      ],
    },
    scopeSpans: [{ scope: { name: '@opentelemetry/instrumentation-http', version: '0.223.0' }, spans: [] }],
  }));
  for (let t = 0; t < 100; t++) {
    const traceId = traceIdOf(worker, b, t);
    const start = nowMs - ((b * 100 + t) % 3_600_000) - 1000;
    for (let k = 0; k < 10; k++) {
      const service = SERVICES[(t + k) % SERVICES.length];
      const route = ROUTES[(t + k) % ROUTES.length];
      const startNs = BigInt(Math.round((start + k) * 1e6));
      const dur = BigInt(1_000_000 + ((t * 7919 + k * 104729) % 200_000_000));
      const span = {
        traceId,
        spanId: hex(t * 10 + k + 1, 2) + hex(b, 6),
        parentSpanId: k === 0 ? '' : hex(t * 10 + 1, 2) + hex(b, 6),
        name: k === 0 ? `GET ${route}` : `SELECT orders ${k}`,
        kind: k === 0 ? 2 : 3,
        startTimeUnixNano: String(startNs),
        endTimeUnixNano: String(startNs + dur),
        attributes: [
          s('http.request.method', 'GET'),
          s('http.route', route),
          i('http.response.status_code', t % 50 === 0 ? 500 : 200),
          s('url.scheme', 'http'),
          s('url.path', route.replace(':id', String(t))),
          s('server.address', 'api.internal'),
          i('server.port', 8080),
          s('network.protocol.version', '1.1'),
          s('user_agent.original', 'bench/1.0'),
          s('db.system.name', 'postgresql'),
          s('db.query.text', 'SELECT * FROM orders WHERE id = $1'),
          i('thread.id', k),
        ],
        events:
          k === 5
            ? [
                {
                  timeUnixNano: String(startNs + 1000n),
                  name: 'cache.miss',
                  attributes: [s('cache.key', `order:${t}`)],
                },
              ]
            : [],
        status: t % 50 === 0 && k === 0 ? { code: 2, message: 'upstream failed' } : {},
      };
      resourceSpans.find((r) => r.resource.attributes[0].value.stringValue === service).scopeSpans[0].spans.push(span);
    }
  }
  return TraceReq.encode(decodeOtlpJson('traces', JSON.stringify({ resourceSpans }))).finish();
}

export function logBatch(worker, b, nowMs) {
  const logRecords = [];
  for (let n = 0; n < 1000; n++) {
    const t = n % 100;
    const ns = BigInt(Math.round((nowMs - ((b * 1000 + n) % 3_600_000) - 1000) * 1e6));
    logRecords.push({
      timeUnixNano: String(ns),
      observedTimeUnixNano: String(ns),
      severityNumber: n % 20 === 0 ? 17 : 9,
      severityText: n % 20 === 0 ? 'error' : 'info',
      body: { stringValue: `order ${t} fetched in ${n % 37} ms from store` },
      attributes: [s('http.route', ROUTES[t % ROUTES.length]), i('order.id', t), s('logger', 'pino')],
      traceId: traceIdOf(worker, b, t),
      spanId: hex(t * 10 + 1, 2) + hex(b, 6),
      flags: 1,
    });
  }
  const resourceLogs = [
    {
      resource: { attributes: [s('service.name', SERVICES[b % 4]), s('host.name', 'bench-host')] },
      scopeLogs: [{ scope: { name: 'pino' }, logRecords }],
    },
  ];
  return LogsReq.encode(decodeOtlpJson('logs', JSON.stringify({ resourceLogs }))).finish();
}
