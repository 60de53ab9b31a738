import { context, SpanKind, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as LogsGrpc } from '@opentelemetry/exporter-logs-otlp-grpc';
import { OTLPLogExporter as LogsJson } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as LogsProto } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as MetricsGrpc } from '@opentelemetry/exporter-metrics-otlp-grpc';
import { OTLPMetricExporter as MetricsJson } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as MetricsProto } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as TracesGrpc } from '@opentelemetry/exporter-trace-otlp-grpc';
import { OTLPTraceExporter as TracesJson } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as TracesProto } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer } from './helpers.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.cleanup());

type Protocol = 'grpc' | 'http/protobuf' | 'http/json';

function exporters(protocol: Protocol) {
  const http = (signal: string) => ({ url: `${server.otlpHttpUrl}/v1/${signal}` });
  const grpc = { url: server.otlpGrpcUrl, compression: 'gzip' as never };
  if (protocol === 'grpc')
    return { traces: new TracesGrpc(grpc), logs: new LogsGrpc(grpc), metrics: new MetricsGrpc(grpc) };
  if (protocol === 'http/protobuf') {
    const gz = (signal: string) => ({ ...http(signal), compression: 'gzip' as never });
    return {
      traces: new TracesProto(gz('traces')),
      logs: new LogsProto(gz('logs')),
      metrics: new MetricsProto(gz('metrics')),
    };
  }
  return {
    traces: new TracesJson(http('traces')),
    logs: new LogsJson(http('logs')),
    metrics: new MetricsJson(http('metrics')),
  };
}

describe.each<Protocol>(['grpc', 'http/protobuf', 'http/json'])('the OpenTelemetry JS %s exporters', (protocol) => {
  const service = `svc-${protocol.replace(/\W/g, '-')}`;

  it('deliver traces, correlated logs and metrics that the query API returns', async () => {
    const ex = exporters(protocol);
    const resource = resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'test' });
    const tracerProvider = new BasicTracerProvider({ resource, spanProcessors: [new SimpleSpanProcessor(ex.traces)] });
    const loggerProvider = new LoggerProvider({
      resource,
      processors: [new SimpleLogRecordProcessor({ exporter: ex.logs })],
    });
    const reader = new PeriodicExportingMetricReader({ exporter: ex.metrics, exportIntervalMillis: 60_000 });
    const meterProvider = new MeterProvider({ resource, readers: [reader] });

    const tracer = tracerProvider.getTracer('sdk-test', '9.9.9');
    const parent = tracer.startSpan('GET /items/:id', {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'http.route': '/items/:id', 'http.response.status_code': 200 },
    });
    const ctx = trace.setSpan(context.active(), parent);
    const child = tracer.startSpan(
      'SELECT items',
      { kind: SpanKind.CLIENT, attributes: { 'db.system.name': 'postgresql' } },
      ctx,
    );
    child.addEvent('rows', { count: 3 });
    child.end();
    loggerProvider.getLogger('pino').emit({
      severityNumber: SeverityNumber.WARN,
      severityText: 'warn',
      body: `slow query from ${protocol}`,
      attributes: { 'db.rows': 3 },
      context: ctx,
    });
    parent.end();
    const meter = meterProvider.getMeter('sdk-test');
    meter.createCounter('items.sold', { unit: '{item}' }).add(5, { shop: 'north' });
    meter.createHistogram('http.server.request.duration', { unit: 's' }).record(0.02, { 'http.route': '/items/:id' });
    meter.createGauge('stock.level').record(42);
    meter.createUpDownCounter('carts.open').add(2);

    await tracerProvider.forceFlush();
    await loggerProvider.forceFlush();
    await meterProvider.forceFlush();

    const traceId = parent.spanContext().traceId;
    const t = await getJson(`${server.apiUrl}/api/traces/${traceId}`);
    expect(t.status).toBe(200);
    const spans = t.body.resourceSpans[0].scopeSpans[0].spans;
    expect(t.body.resourceSpans[0].scopeSpans[0].scope).toMatchObject({ name: 'sdk-test', version: '9.9.9' });
    expect(spans.map((s: { name: string }) => s.name).sort()).toEqual(['GET /items/:id', 'SELECT items']);
    const dbSpan = spans.find((s: { name: string }) => s.name === 'SELECT items');
    expect(dbSpan.parentSpanId).toBe(parent.spanContext().spanId);
    expect(dbSpan.events[0]).toMatchObject({ name: 'rows', attributes: [{ key: 'count', value: { intValue: '3' } }] });

    const ops = await getJson(`${server.apiUrl}/api/services/${service}/operations`);
    expect(ops.body.operations).toEqual([
      expect.objectContaining({ name: 'GET /items/:id', spanKind: 'server', requests: 1, errors: 0 }),
    ]);

    const logs = await getJson(`${server.apiUrl}/api/logs?traceId=${traceId}`);
    expect(logs.body.logs).toEqual([
      expect.objectContaining({
        service,
        severityNumber: 13,
        body: `slow query from ${protocol}`,
        traceId,
        spanId: parent.spanContext().spanId,
        attributes: { 'db.rows': 3 },
      }),
    ]);

    const metrics = await getJson(`${server.apiUrl}/api/metrics?service=${service}`);
    const byName = Object.fromEntries(metrics.body.metrics.map((m: { name: string; type: string }) => [m.name, m]));
    expect(byName['items.sold']).toMatchObject({
      type: 'sum',
      monotonic: true,
      temporality: 'cumulative',
      unit: '{item}',
    });
    expect(byName['http.server.request.duration']).toMatchObject({ type: 'histogram', unit: 's' });
    expect(byName['stock.level']).toMatchObject({ type: 'gauge' });
    expect(byName['carts.open']).toMatchObject({ type: 'sum', monotonic: false });
    const last = await getJson(
      `${server.apiUrl}/api/metrics/series?name=stock.level&agg=last&attr.service.name=${service}`,
    );
    expect(last.body.series[0].points.at(-1)[1]).toBe(42);

    await Promise.all([tracerProvider.shutdown(), loggerProvider.shutdown(), meterProvider.shutdown()]);
  });
});
