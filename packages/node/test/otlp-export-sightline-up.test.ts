// Our span, log and metric exporters against the real `sightline up` backend (packages/server), over gRPC,
// http/protobuf and http/json, with and without gzip: what they send is stored and comes back from the query API;
// what the backend rejects (partial_success) is counted as dropped.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningServer, startServer } from '../../server/src/index.js';
import type { SignalConfig } from '../src/config.js';
import { droppedTotals, setQuiet } from '../src/diagnostics.js';
import {
  createOtlpLogExporter,
  createOtlpMetricExporter,
  createOtlpSpanExporter,
  type OtlpExporter,
} from '../src/otlp/exporter.js';

let server: RunningServer;
let dataDir: string;
beforeAll(async () => {
  setQuiet(true);
  dataDir = mkdtempSync(join(tmpdir(), 'sightline-node-export-'));
  server = await startServer({
    otlpGrpcPort: 0,
    otlpHttpPort: 0,
    port: 0,
    dataDir,
    retention: '1h',
    onWarning: () => {},
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

type Protocol = 'grpc' | 'http/protobuf' | 'http/json';
const CASES: Array<[Protocol, 'gzip' | 'none']> = [
  ['grpc', 'none'],
  ['grpc', 'gzip'],
  ['http/protobuf', 'none'],
  ['http/protobuf', 'gzip'],
  ['http/json', 'none'],
  ['http/json', 'gzip'],
];

function config(protocol: Protocol, compression: 'gzip' | 'none', signal: 'traces' | 'logs' | 'metrics'): SignalConfig {
  return {
    exporter: 'otlp',
    protocol,
    url: protocol === 'grpc' ? server.otlpGrpcUrl : `${server.otlpHttpUrl}/v1/${signal}`,
    headers: { 'x-test-header': 'yes' },
    timeoutMillis: 10_000,
    compression,
  };
}

function send<B>(exporter: OtlpExporter<B>, batch: B): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(batch, resolve));
}

// biome-ignore lint/suspicious/noExplicitAny: the query API answers JSON that the tests check field by field.
async function getJson(url: string): Promise<any> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  return res.json();
}

function spansFor(service: string, startTime?: [number, number]) {
  const memory = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service, 'deployment.environment.name': 'test' }),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  const tracer = provider.getTracer('@sightline/node', '0.1.0');
  const server = tracer.startSpan('GET /orders/:id', {
    kind: SpanKind.SERVER,
    startTime,
    attributes: { 'http.request.method': 'GET', 'http.route': '/orders/:id', 'http.response.status_code': 500 },
  });
  const ctx = trace.setSpan(context.active(), server);
  const child = tracer.startSpan('load order ü', { attributes: { 'order.id': 42, big: 2 ** 60 }, startTime }, ctx);
  child.addEvent('cache miss', { key: 'order:42' });
  child.end();
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed' });
  server.end();
  return { spans: memory.getFinishedSpans(), traceId: server.spanContext().traceId };
}

function logsFor(service: string, traceId: string): ReadableLogRecord[] {
  const records: ReadableLogRecord[] = [];
  const keep: LogRecordProcessor = {
    onEmit: (r) => {
      records.push(r);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    processors: [keep],
  });
  const ctx = trace.setSpanContext(context.active(), {
    traceId,
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  });
  const logger = provider.getLogger('pino', '10.4.0');
  logger.emit({
    severityNumber: SeverityNumber.WARN,
    severityText: 'warn',
    body: 'payment slow 😀',
    attributes: { 'order.id': 42, nested: { a: [1, 'b'] } },
    context: ctx,
  });
  logger.emit({ severityNumber: SeverityNumber.INFO, severityText: 'info', body: { msg: 'structured' }, context: ctx });
  return records;
}

describe.each(CASES)('our %s exporter (compression %s) against sightline up', (protocol, compression) => {
  const service = `node-export-${protocol.replace(/\W/g, '-')}-${compression}`;

  it('delivers spans and correlated logs that the query API returns', async () => {
    const spanExporter = createOtlpSpanExporter(config(protocol, compression, 'traces'));
    const logExporter = createOtlpLogExporter(config(protocol, compression, 'logs'));
    const { spans, traceId } = spansFor(service);
    expect(await send(spanExporter, spans)).toEqual({ code: 0 });
    expect(await send(logExporter, logsFor(service, traceId))).toEqual({ code: 0 });

    const t = await getJson(`${server.apiUrl}/api/traces/${traceId}`);
    const scopeSpans = t.resourceSpans[0].scopeSpans[0];
    expect(scopeSpans.scope).toMatchObject({ name: '@sightline/node', version: '0.1.0' });
    const byName = Object.fromEntries(scopeSpans.spans.map((s: { name: string }) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['GET /orders/:id', 'load order ü']);
    expect(byName['load order ü'].parentSpanId).toBe(byName['GET /orders/:id'].spanId);
    expect(byName['load order ü'].events[0]).toMatchObject({
      name: 'cache miss',
      attributes: [{ key: 'key', value: { stringValue: 'order:42' } }],
    });
    expect(byName['GET /orders/:id'].status).toMatchObject({ code: 2, message: 'payment failed' });
    expect(byName['GET /orders/:id'].kind).toBe(2);

    const logs = await getJson(`${server.apiUrl}/api/logs?traceId=${traceId}`);
    expect(logs.logs).toHaveLength(2);
    expect(logs.logs).toContainEqual(
      expect.objectContaining({
        service,
        severityNumber: 13,
        body: 'payment slow 😀',
        traceId,
        spanId: 'b7ad6b7169203331',
      }),
    );
    await Promise.all([spanExporter.shutdown(), logExporter.shutdown()]);
  });

  it('delivers metrics (sum, gauge, histogram) that the query API lists', async () => {
    class ManualReader extends MetricReader {
      protected async onShutdown(): Promise<void> {}
      protected async onForceFlush(): Promise<void> {}
    }
    const reader = new ManualReader();
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': service }),
      readers: [reader],
    });
    const meter = provider.getMeter('@sightline/node');
    meter.createCounter('orders.placed', { unit: '{order}' }).add(3, { channel: 'web' });
    meter.createGauge('queue.depth').record(7);
    meter.createHistogram('http.server.request.duration', { unit: 's' }).record(0.02, { 'http.route': '/orders' });
    const { resourceMetrics } = await reader.collect();
    const exporter = createOtlpMetricExporter(config(protocol, compression, 'metrics'));
    expect(await send(exporter, resourceMetrics)).toEqual({ code: 0 });
    const metrics = await getJson(`${server.apiUrl}/api/metrics?service=${service}`);
    const byName = Object.fromEntries(metrics.metrics.map((m: { name: string }) => [m.name, m]));
    expect(byName['orders.placed']).toMatchObject({ type: 'sum', monotonic: true, unit: '{order}' });
    expect(byName['queue.depth']).toMatchObject({ type: 'gauge' });
    expect(byName['http.server.request.duration']).toMatchObject({ type: 'histogram', unit: 's' });
    await exporter.shutdown();
  });

  it('counts spans the backend rejects (partial_success) as dropped, and the batch as delivered', async () => {
    const exporter = createOtlpSpanExporter(config(protocol, compression, 'traces'));
    // Started in 2001: far outside the server's 1 h retention window.
    const { spans } = spansFor(`${service}-old`, [978_307_200, 0]);
    const before = droppedTotals().traces;
    expect(await send(exporter, spans)).toEqual({ code: 0 });
    expect(droppedTotals().traces - before).toBe(2);
    await exporter.shutdown();
  });
});
