// Our OTLP metrics encoder against the official one: both encodings of the same real SDK collection (sums, gauges,
// explicit and exponential histograms, int and double, cumulative and delta) decode to the same fields.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ValueType } from '@opentelemetry/api';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  AggregationType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { encodeMetricsJson } from '../src/otlp/json-encoder.js';
import { encodeMetrics } from '../src/otlp/metrics-encoder.js';
import { PACKAGE_DIR } from './support/app-process.js';
import { canonical } from './support/otlp-canonical.js';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs') as typeof import('protobufjs');
const root = protobuf.loadSync(join(PACKAGE_DIR, '..', 'server', 'proto', 'otlp.proto'));
const MetricsRequest = root.lookupType('opentelemetry.proto.ExportMetricsServiceRequest');

const decode = (bytes: Uint8Array) =>
  MetricsRequest.toObject(MetricsRequest.decode(bytes), {
    longs: String,
    enums: Number,
    bytes: String,
    defaults: true,
    arrays: true,
    oneofs: true,
  });

class ManualReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

async function collect(temporality: AggregationTemporality): Promise<ResourceMetrics> {
  const reader = new ManualReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': 'metrics-encoder-test', 'host.name': 'hôte' }),
    readers: [reader],
    views: [{ instrumentName: 'latency.exp', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
  });
  const meter = provider.getMeter('@sightline/node', '0.1.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30' });
  const other = provider.getMeter('runtime');
  meter
    .createCounter('requests', { unit: '{request}', description: 'Requests served', valueType: ValueType.INT })
    .add(2 ** 40, { route: '/orders/:id', ok: true });
  meter.createCounter('bytes').add(12.75);
  const inFlight = meter.createUpDownCounter('in.flight', { valueType: ValueType.INT });
  inFlight.add(-5, { queue: 'a' });
  inFlight.add(3, { queue: 'b' });
  meter.createGauge('temperature', { unit: 'Cel' }).record(-12.5, { room: 'ü' });
  const duration = meter.createHistogram('http.server.request.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  });
  for (const v of [0.001, 0.02, 0.02, 0.3, 7, 42]) duration.record(v, { 'http.route': '/orders/:id' });
  meter.createHistogram('empty.buckets', { advice: { explicitBucketBoundaries: [] } }).record(3);
  const exp = meter.createHistogram('latency.exp');
  for (const v of [0, 0.5, 1, 2, 3, 1000, 1e-6, 123456]) exp.record(v);
  other
    .createObservableGauge('heap.used', { valueType: ValueType.INT })
    .addCallback((r) => r.observe(123_456_789, { space: 'old' }));
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  return resourceMetrics;
}

describe('the OTLP metrics encoder', () => {
  it.each([
    ['cumulative', AggregationTemporality.CUMULATIVE],
    ['delta', AggregationTemporality.DELTA],
  ])('encodes a %s collection with the same content as the official encoder', async (_name, temporality) => {
    const rm = await collect(temporality);
    const ours = decode(encodeMetrics(rm));
    expect(ours).toEqual(decode(ProtobufMetricsSerializer.serializeRequest(rm) as Uint8Array));
    // The fixture covers every kind (the comparison alone would pass on two empty encodings).
    const metrics = (
      ours.resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, unknown>> }> }>
    )
      .flatMap((r) => r.scopeMetrics)
      .flatMap((s) => s.metrics);
    const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
    expect(byName.requests?.sum).toMatchObject({ isMonotonic: true, dataPoints: [{ asInt: String(2 ** 40) }] });
    expect(byName['in.flight']?.sum).toMatchObject({ dataPoints: [{ asInt: '-5' }, { asInt: '3' }] });
    expect(byName.temperature?.gauge).toMatchObject({ dataPoints: [{ asDouble: -12.5 }] });
    expect(byName['http.server.request.duration']?.histogram).toMatchObject({
      dataPoints: [{ count: '6', min: 0.001, max: 42 }],
    });
    expect(byName['latency.exp']?.exponentialHistogram).toMatchObject({ dataPoints: [{ count: '8', zeroCount: '1' }] });
    expect(byName['heap.used']?.gauge).toMatchObject({ dataPoints: [{ asInt: '123456789' }] });
  });

  it.each([
    ['cumulative', AggregationTemporality.CUMULATIVE],
    ['delta', AggregationTemporality.DELTA],
  ])(
    'encodes a %s collection as OTLP/JSON with the same content as the official protobuf encoding (exact 64-bit values)',
    async (_n, t) => {
      const rm = await collect(t);
      const ours = canonical(JSON.parse(Buffer.from(encodeMetricsJson(rm)).toString('utf8'))) as Record<
        string,
        unknown
      >;
      const official = ProtobufMetricsSerializer.serializeRequest(rm) as Uint8Array;
      const opts = { longs: String, enums: Number, bytes: String, defaults: false, arrays: true, oneofs: false };
      expect(ours).toEqual(canonical(MetricsRequest.toObject(MetricsRequest.decode(official), opts)));
      // The fixture covers every kind (the comparison alone would pass on two empty encodings).
      const metrics = (
        ours.resourceMetrics as Array<{ scopeMetrics: Array<{ metrics: Array<Record<string, unknown>> }> }>
      )
        .flatMap((r) => r.scopeMetrics)
        .flatMap((s) => s.metrics);
      const byName = Object.fromEntries(metrics.map((m) => [m.name, m]));
      expect(byName.requests?.sum).toMatchObject({ isMonotonic: true, dataPoints: [{ asInt: String(2 ** 40) }] });
      expect(byName['in.flight']?.sum).toMatchObject({ dataPoints: [{ asInt: '-5' }, { asInt: '3' }] });
      expect(byName.temperature?.gauge).toMatchObject({ dataPoints: [{ asDouble: -12.5 }] });
      expect(byName['http.server.request.duration']?.histogram).toMatchObject({
        dataPoints: [{ count: '6', min: 0.001, max: 42 }],
      });
      expect(byName['latency.exp']?.exponentialHistogram).toMatchObject({
        dataPoints: [{ count: '8', zeroCount: '1' }],
      });
      expect(byName['heap.used']?.gauge).toMatchObject({ dataPoints: [{ asInt: '123456789' }] });
    },
  );
});
