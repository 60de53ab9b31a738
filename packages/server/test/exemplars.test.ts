import * as grpc from '@grpc/grpc-js';
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../src/index.js';
import { REQUEST_TYPES } from '../src/otlp-proto.js';
import { getJson, startTestServer } from './helpers.js';
import { metricsRequest, ns, postJson, spanId, traceId } from './otlp-fixtures.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
const RANGE = `from=${T0}&to=${T0 + 5 * 60_000}`;
const exemplars = (query: string) => getJson(`${server.apiUrl}/api/metrics/exemplars?${query}`);

const route = (r: string) => [{ key: 'http.route', value: { stringValue: r } }];
const ex = (ms: number, value: number, n: number, filtered?: object[]) => ({
  timeUnixNano: ns(T0 + ms),
  asDouble: value,
  traceId: traceId(n),
  spanId: spanId(n),
  ...(filtered ? { filteredAttributes: filtered } : {}),
});
/** A cumulative latency histogram point at T0 + k min whose exemplars are `exemplars`. */
const histPoint = (k: number, r: string, exemplarList: object[]) => ({
  startTimeUnixNano: ns(T0),
  timeUnixNano: ns(T0 + k * 60_000),
  count: String(k * 10),
  sum: k,
  bucketCounts: [String(k * 10), '0'],
  explicitBounds: [1],
  attributes: route(r),
  exemplars: exemplarList,
});

beforeAll(async () => {
  server = await startTestServer();
  const duration = (points: object[]) => ({
    name: 'http.server.request.duration',
    unit: 's',
    histogram: { aggregationTemporality: 2, dataPoints: points },
  });
  const api = await postJson(
    server.otlpHttpUrl,
    '/v1/metrics',
    metricsRequest('api', [
      duration([
        histPoint(1, '/orders', [ex(30_000, 0.25, 1, [{ key: 'user.id', value: { stringValue: 'u1' } }])]),
        histPoint(1, '/health', [ex(40_000, 0.001, 2)]),
        // the next cumulative export repeats the first exemplar (SDKs keep the reservoir) and adds a slow one
        histPoint(2, '/orders', [
          ex(30_000, 0.25, 1, [{ key: 'user.id', value: { stringValue: 'u1' } }]),
          ex(100_000, 2.5, 3),
        ]),
        // an exemplar recorded outside a sampled span carries no ids
        histPoint(3, '/orders', [{ timeUnixNano: ns(T0 + 150_000), asDouble: 0.5 }]),
      ]),
      {
        name: 'orders.created',
        sum: {
          aggregationTemporality: 1,
          isMonotonic: true,
          dataPoints: [
            {
              startTimeUnixNano: ns(T0),
              timeUnixNano: ns(T0 + 60_000),
              asInt: '3',
              exemplars: [{ timeUnixNano: ns(T0 + 10_000), asInt: '1', traceId: traceId(4), spanId: spanId(4) }],
            },
          ],
        },
      },
    ]),
  );
  expect(api.status).toBe(200);
  const worker = await postJson(
    server.otlpHttpUrl,
    '/v1/metrics',
    metricsRequest('worker', [duration([histPoint(1, '/orders', [ex(50_000, 9, 5)])])]),
  );
  expect(worker.status).toBe(200);
});
afterAll(async () => server?.cleanup());

describe('GET /api/metrics/exemplars', () => {
  it('returns each exemplar once, newest first, with value, time, ids, filtered attributes and series labels', async () => {
    const { status, body } = await exemplars(`name=http.server.request.duration&${RANGE}&service=api`);
    expect(status).toBe(200);
    expect(body.exemplars).toEqual([
      {
        timeMs: T0 + 150_000,
        value: 0.5,
        traceId: '',
        spanId: '',
        filteredAttributes: {},
        service: 'api',
        attributes: { 'http.route': '/orders' },
      },
      {
        timeMs: T0 + 100_000,
        value: 2.5,
        traceId: traceId(3),
        spanId: spanId(3),
        filteredAttributes: {},
        service: 'api',
        attributes: { 'http.route': '/orders' },
      },
      {
        timeMs: T0 + 40_000,
        value: 0.001,
        traceId: traceId(2),
        spanId: spanId(2),
        filteredAttributes: {},
        service: 'api',
        attributes: { 'http.route': '/health' },
      },
      {
        timeMs: T0 + 30_000,
        value: 0.25,
        traceId: traceId(1),
        spanId: spanId(1),
        filteredAttributes: { 'user.id': 'u1' },
        service: 'api',
        attributes: { 'http.route': '/orders' },
      },
    ]);
  });

  it('filters by service, series attributes, value and the exemplar time, sorts by value and limits', async () => {
    const ids = async (q: string) =>
      (await exemplars(`name=http.server.request.duration&${q}`)).body.exemplars.map(
        (e: { traceId: string }) => e.traceId,
      );
    expect(await ids(RANGE)).toHaveLength(5);
    expect(await ids(`${RANGE}&service=worker`)).toEqual([traceId(5)]);
    expect(await ids(`${RANGE}&attr.http.route=/health`)).toEqual([traceId(2)]);
    expect(await ids(`${RANGE}&attr.service.name=worker`)).toEqual([traceId(5)]);
    expect(await ids(`${RANGE}&minValue=1`)).toEqual([traceId(3), traceId(5)]);
    expect(await ids(`${RANGE}&minValue=0.2&maxValue=1`)).toEqual(['', traceId(1)]);
    expect(await ids(`${RANGE}&sort=value&limit=2`)).toEqual([traceId(5), traceId(3)]);
    // the exemplar's own time decides, not its data point's: the point at T0+2m holds an exemplar from T0+30s
    expect(await ids(`from=${T0 + 60_000}&to=${T0 + 5 * 60_000}&service=api`)).toEqual(['', traceId(3)]);
    expect(await ids(`from=${T0}&to=${T0 + 35_000}`)).toEqual([traceId(1)]);
  });

  it('reads integer exemplars of sums', async () => {
    const { body } = await exemplars(`name=orders.created&${RANGE}`);
    expect(body.exemplars).toEqual([
      expect.objectContaining({ timeMs: T0 + 10_000, value: 1, traceId: traceId(4), spanId: spanId(4) }),
    ]);
  });

  it('answers 400 naming the parameter for a missing name, a bad number, sort or limit', async () => {
    const cases: [string, string][] = [
      [RANGE, 'query parameter name is required'],
      [`name=x&${RANGE}&minValue=fast`, 'minValue="fast" is not a number'],
      [`name=x&${RANGE}&sort=random`, 'sort="random" is not time or value'],
      [`name=x&${RANGE}&limit=0`, 'limit="0" is not an integer between 1 and 10000'],
      ['name=x&from=yesterday', 'from="yesterday" is not a time'],
    ];
    for (const [q, message] of cases) {
      const { status, body } = await exemplars(q);
      expect(status, q).toBe(400);
      expect(body.error.message, q).toContain(message);
    }
    expect((await exemplars(`name=no.such.metric&${RANGE}`)).body).toEqual({ exemplars: [] });
  });

  it('leads from an exemplar sent over OTLP/gRPC protobuf to the trace the SDK recorded', async () => {
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'checkout' }),
      spanProcessors: [new SimpleSpanProcessor(new OTLPTraceExporter({ url: server.otlpGrpcUrl }))],
    });
    const span = provider.getTracer('t').startSpan('POST /checkout');
    const started = Date.now();
    span.end();
    await provider.shutdown();
    const ctx = span.spanContext();
    const request = metricsRequest('checkout', [
      {
        name: 'checkout.duration',
        unit: 'ms',
        histogram: {
          aggregationTemporality: 1,
          dataPoints: [
            {
              startTimeUnixNano: ns(started - 1000),
              timeUnixNano: ns(started + 1),
              count: '1',
              sum: 870,
              bucketCounts: ['0', '1'],
              explicitBounds: [500],
              exemplars: [{ timeUnixNano: ns(started), asDouble: 870, traceId: ctx.traceId, spanId: ctx.spanId }],
            },
          ],
        },
      },
    ]);
    const body = Buffer.from(
      REQUEST_TYPES.metrics.encode(decodeOtlpJson('metrics', JSON.stringify(request)) as never).finish(),
    );
    const client = new grpc.Client(server.otlpGrpcUrl.replace('http://', ''), grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      client.makeUnaryRequest(
        '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
        (b: Buffer) => b,
        (b: Buffer) => b,
        body,
        (e) => resolve(e),
      ),
    );
    client.close();
    expect(err).toBeNull();
    const found = await exemplars(`name=checkout.duration&from=now-5m&sort=value`);
    expect(found.body.exemplars).toHaveLength(1);
    const exemplar = found.body.exemplars[0];
    expect(exemplar).toMatchObject({ value: 870, traceId: ctx.traceId, spanId: ctx.spanId, service: 'checkout' });
    expect(exemplar.timeMs).toBe(started);
    const trace = await getJson(`${server.apiUrl}/api/traces/${exemplar.traceId}`);
    expect(trace.status).toBe(200);
    const spans = trace.body.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.find((s: { spanId: string }) => s.spanId === exemplar.spanId).name).toBe('POST /checkout');
  });

  // Exemplars cannot come from the OpenTelemetry JS SDK yet: sdk-metrics 2.12 ships exemplar reservoirs but no
  // aggregation uses them, and otlp-transformer never serializes exemplars. This pins that fact; when it fails, the
  // SDK has started sending exemplars and the end-to-end test above should record them through the SDK instead.
  it('(pinned fact) the OTel JS SDK 2.x sends no exemplars, even for a histogram recorded inside a sampled span', async () => {
    const manager = new AsyncLocalStorageContextManager().enable();
    context.setGlobalContextManager(manager);
    try {
      const reader = new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${server.otlpHttpUrl}/v1/metrics` }),
        exportIntervalMillis: 3_600_000,
      });
      const meters = new MeterProvider({
        resource: resourceFromAttributes({ 'service.name': 'sdk' }),
        readers: [reader],
      });
      const histogram = meters.getMeter('m').createHistogram('sdk.latency');
      const span = new BasicTracerProvider().getTracer('t').startSpan('sampled');
      expect(span.spanContext().traceFlags & 1).toBe(1);
      context.with(trace.setSpan(context.active(), span), () => histogram.record(42));
      span.end();
      await reader.forceFlush();
      await meters.shutdown();
      const series = await getJson(`${server.apiUrl}/api/metrics/series?name=sdk.latency&from=now-5m&agg=p50`);
      expect(series.body.series).toHaveLength(1); // the point arrived…
      expect((await exemplars('name=sdk.latency&from=now-5m')).body.exemplars).toEqual([]); // …without exemplars
    } finally {
      context.disable();
    }
  });
});
