// Known telemetry sent through the real OpenTelemetry JS SDK and OTLP/HTTP exporters: a two-service trace with
// logs inside it, an exception, hostile strings in a span attribute and a log body, and HTTP duration histograms.
import { type Context, context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { AggregationTemporality, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

export const XSS_IMG = '<img src=x onerror=alert(1)>';
export const XSS_SCRIPT = '<script>alert(2)</script>';

export interface SentTelemetry {
  traceId: string;
  /** spanId → parentSpanId ('' for the root) of every span sent. */
  parents: Map<string, string>;
  spanNames: Map<string, string>;
  /** The span whose log carries the hostile body. */
  errorLogSpanId: string;
}

function providers(otlpHttp: string, service: string, token?: string) {
  const resource = resourceFromAttributes({ 'service.name': service, 'service.version': '1.2.3' });
  const headers = token ? { authorization: `Bearer ${token}` } : undefined;
  const tracer = new BasicTracerProvider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttp}/v1/traces`, headers }))],
  });
  const logs = new LoggerProvider({
    resource,
    processors: [
      new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: `${otlpHttp}/v1/logs`, headers }) }),
    ],
  });
  const reader = new PeriodicExportingMetricReader({
    exporter: new OTLPMetricExporter({
      url: `${otlpHttp}/v1/metrics`,
      temporalityPreference: AggregationTemporality.CUMULATIVE,
    }),
    exportIntervalMillis: 60_000,
  });
  const meters = new MeterProvider({ resource, readers: [reader] });
  return { tracer, logs, meters, reader };
}

/** Send one checkout→inventory trace with logs, plus metrics; resolves after every exporter has flushed. */
export async function sendTelemetry(otlpHttp: string): Promise<SentTelemetry> {
  const api = providers(otlpHttp, 'checkout');
  const inv = providers(otlpHttp, 'inventory');
  const apiTracer = api.tracer.getTracer('ui-test', '1.0.0');
  const invTracer = inv.tracer.getTracer('ui-test', '1.0.0');
  const apiLog = api.logs.getLogger('ui-test');
  const invLog = inv.logs.getLogger('ui-test');
  const parents = new Map<string, string>();
  const spanNames = new Map<string, string>();
  let errorLogSpanId = '';

  const span = (
    t: typeof apiTracer,
    name: string,
    parent: Context,
    kind: SpanKind,
    attrs: Record<string, string> = {},
  ) => {
    const s = t.startSpan(name, { kind, attributes: attrs }, parent);
    const sc = s.spanContext();
    const p = trace.getSpan(parent)?.spanContext().spanId ?? '';
    parents.set(sc.spanId, p);
    spanNames.set(sc.spanId, name);
    return { s, ctx: trace.setSpan(parent, s) };
  };

  const root = span(apiTracer, 'GET /orders/:id', ROOT_CONTEXT, SpanKind.SERVER, {
    'http.request.method': 'GET',
    'http.route': '/orders/:id',
    'xss.attr': `${XSS_IMG} ${XSS_SCRIPT}`,
  });
  apiLog.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'info',
    body: 'loading order 42',
    context: root.ctx,
    attributes: { 'order.id': '42' },
  });
  const db = span(apiTracer, 'SELECT orders', root.ctx, SpanKind.CLIENT, { 'db.system.name': 'postgresql' });
  db.s.end();
  // A hostile span name: the waterfall and span detail must show it as text.
  span(apiTracer, `render ${XSS_IMG}`, root.ctx, SpanKind.INTERNAL).s.end();
  const call = span(apiTracer, 'GET', root.ctx, SpanKind.CLIENT, { 'server.address': 'inventory' });
  const invServer = span(invTracer, 'GET /stock/:sku', call.ctx, SpanKind.SERVER, { 'http.route': '/stock/:sku' });
  const reserve = span(invTracer, 'reserve stock', invServer.ctx, SpanKind.INTERNAL);
  const err = new Error('stock service timed out');
  reserve.s.recordException(err);
  reserve.s.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
  invLog.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'error',
    body: `reserve failed for ${XSS_IMG} ${XSS_SCRIPT}`,
    context: reserve.ctx,
  });
  errorLogSpanId = reserve.s.spanContext().spanId;
  invLog.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'warn',
    body: 'retrying reservation',
    context: invServer.ctx,
  });
  invLog.emit({
    severityNumber: SeverityNumber.DEBUG,
    severityText: 'debug',
    body: { event: 'cache', hit: false, keys: ['sku-1', 'sku-2'] },
    context: invServer.ctx,
  });
  reserve.s.end();
  invServer.s.end();
  call.s.end();
  root.s.end();
  // A log outside any request: no trace link.
  context.with(ROOT_CONTEXT, () =>
    apiLog.emit({ severityNumber: SeverityNumber.INFO, severityText: 'info', body: 'checkout started' }),
  );

  for (const [p, svc] of [
    [api, 'checkout'],
    [inv, 'inventory'],
  ] as const) {
    const meter = p.meters.getMeter('ui-test');
    const h = meter.createHistogram('http.server.request.duration', {
      unit: 's',
      description: 'Duration of HTTP server requests.',
      // The semantic-conventions buckets, as the HTTP instrumentation advises them.
      advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
    });
    for (let i = 0; i < 60; i++) {
      h.record(0.002 + (i % 10) * 0.01, {
        'http.request.method': 'GET',
        'http.route': svc === 'checkout' ? '/orders/:id' : '/stock/:sku',
        'http.response.status_code': i % 15 === 0 ? 500 : 200,
      });
    }
    meter
      .createCounter('orders.processed', { unit: '{order}', description: 'Orders handled.' })
      .add(7, { outcome: 'ok' });
  }

  for (const p of [api, inv]) {
    await p.tracer.forceFlush();
    await p.logs.forceFlush();
    await p.reader.forceFlush();
  }
  await Promise.all([api, inv].flatMap((p) => [p.tracer.shutdown(), p.logs.shutdown(), p.meters.shutdown()]));
  return { traceId: root.s.spanContext().traceId, parents, spanNames, errorLogSpanId };
}

/** Send one log record (no trace) for `service`; resolves once exported. */
export async function sendLog(otlpHttp: string, service: string, body: string, token?: string): Promise<void> {
  const p = providers(otlpHttp, service, token);
  p.logs.getLogger('ui-test').emit({ severityNumber: SeverityNumber.WARN, severityText: 'warn', body });
  await p.logs.forceFlush();
  await Promise.all([p.tracer.shutdown(), p.logs.shutdown(), p.meters.shutdown()]);
}

/**
 * One wide, deep trace of `spans` spans (each span's parent is an earlier one) and `logs` log records in it,
 * exported in batches like a busy service would.
 */
export async function sendBigTrace(otlpHttp: string, spans: number, logs: number): Promise<{ traceId: string }> {
  const resource = resourceFromAttributes({ 'service.name': 'bulk' });
  const tracer = new BasicTracerProvider({
    resource,
    spanProcessors: [
      new BatchSpanProcessor(new OTLPTraceExporter({ url: `${otlpHttp}/v1/traces` }), {
        maxExportBatchSize: 1000,
        maxQueueSize: spans + 10,
      }),
    ],
  });
  const logProvider = new LoggerProvider({
    resource,
    processors: [
      new BatchLogRecordProcessor({
        exporter: new OTLPLogExporter({ url: `${otlpHttp}/v1/logs` }),
        maxExportBatchSize: 1000,
        maxQueueSize: logs + 10,
      }),
    ],
  });
  const t = tracer.getTracer('ui-test');
  const logger = logProvider.getLogger('ui-test');
  const root = t.startSpan('bulk root', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  const ctxs: Context[] = [trace.setSpan(ROOT_CONTEXT, root)];
  const open = [root];
  for (let i = 1; i < spans; i++) {
    const parent = ctxs[Math.floor((i * 7919) % i)] as Context;
    const s = t.startSpan(`step ${i}`, {}, parent);
    ctxs.push(trace.setSpan(parent, s));
    open.push(s);
  }
  for (let i = 0; i < logs; i++) {
    logger.emit({ severityNumber: SeverityNumber.INFO, body: `bulk line ${i}`, context: ctxs[i % ctxs.length] });
  }
  for (const s of open.reverse()) s.end();
  await tracer.forceFlush();
  await logProvider.forceFlush();
  await Promise.all([tracer.shutdown(), logProvider.shutdown()]);
  return { traceId: root.spanContext().traceId };
}
