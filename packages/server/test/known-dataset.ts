import {
  logsRequest,
  metricsRequest,
  ns,
  postJson,
  type SpanSpec,
  spanId,
  traceId,
  tracesRequest,
} from './otlp-fixtures.js';

/**
 * A small dataset with exactly known RED numbers, logs and metrics, 30-40 minutes ago (aligned to 10 minutes):
 * - api: 10 server spans "GET /orders/:id" of 10,20,…,100 ms (the 100 ms one is an error), each with a client child;
 * - inventory: 10 server spans "GET /stock" of 5,10,…,50 ms, children of api's client spans (same traces);
 * - worker: 4 internal root spans "process job" of 5 ms;
 * - logs: one per api request (the error one at severity 17), 4 JSON-body logs from worker;
 * - metrics: a cumulative counter rising 60/min, a gauge per queue, explicit and exponential histograms, a summary.
 */
export const T0 = Math.floor((Date.now() - 30 * 60_000) / 600_000) * 600_000; // aligned for 60 s and 120 s steps

export async function loadKnownDataset(otlpHttpUrl: string): Promise<void> {
  const api: SpanSpec[] = [];
  const inventory: SpanSpec[] = [];
  for (let i = 1; i <= 10; i++) {
    const start = T0 + i * 1000;
    const error = i === 10;
    api.push({
      traceId: traceId(i),
      spanId: spanId(i * 10),
      name: 'GET /orders/:id',
      kind: 2,
      startMs: start,
      durationMs: i * 10,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'http.response.status_code': error ? 500 : 200,
        'customer.tier': i <= 3 ? 'gold' : 'free',
      },
      status: error ? { code: 2, message: 'order store unavailable' } : { code: 0 },
      events: error ? [{ timeMs: start + 5, name: 'exception', attributes: { 'exception.message': 'boom' } }] : [],
    });
    api.push({
      traceId: traceId(i),
      spanId: spanId(i * 10 + 1),
      parentSpanId: spanId(i * 10),
      name: 'GET',
      kind: 3,
      startMs: start + 1,
      durationMs: i * 5 + 1,
      attributes: { 'server.address': 'inventory' },
      links: i === 1 ? [{ traceId: traceId(99), spanId: spanId(99) }] : [],
    });
    inventory.push({
      traceId: traceId(i),
      spanId: spanId(i * 10 + 2),
      parentSpanId: spanId(i * 10 + 1),
      name: 'GET /stock',
      kind: 2,
      startMs: start + 1.5,
      durationMs: i * 5,
      attributes: { 'http.request.method': 'GET', 'http.route': '/stock' },
    });
  }
  const worker: SpanSpec[] = [1, 2, 3, 4].map((n) => ({
    traceId: traceId(100 + n),
    spanId: spanId(1000 + n),
    name: 'process job',
    kind: 1,
    startMs: T0 + 20_000 + n * 1000,
    durationMs: 5,
  }));
  for (const [service, spans] of [
    ['api', api],
    ['inventory', inventory],
    ['worker', worker],
  ] as const) {
    const res = await postJson(otlpHttpUrl, '/v1/traces', tracesRequest(service, spans));
    if (res.status !== 200) throw new Error(`traces ${res.status} ${res.body}`);
  }
  const apiLogs = api
    .filter((s) => s.kind === 2)
    .map((s, i) => ({
      timeMs: s.startMs + 2,
      severityNumber: i === 9 ? 17 : 9,
      severityText: i === 9 ? 'error' : 'info',
      body: i === 9 ? 'failed to load order 10' : `order fetched id=${i + 1}`,
      traceId: s.traceId,
      spanId: s.spanId,
      attributes: { 'order.id': i + 1 },
    }));
  const workerLogs = [1, 2, 3, 4].map((n) => ({
    timeMs: T0 + 20_000 + n * 1000 + 1,
    severityNumber: 5,
    severityText: 'debug',
    body: { event: 'job done', n },
  }));
  for (const [service, logs] of [
    ['api', apiLogs],
    ['worker', workerLogs],
  ] as const) {
    const res = await postJson(otlpHttpUrl, '/v1/logs', logsRequest(service, logs));
    if (res.status !== 200) throw new Error(`logs ${res.status} ${res.body}`);
  }
  const steps = [0, 1, 2, 3, 4, 5];
  const metrics = [
    {
      name: 'jobs.processed',
      unit: '{job}',
      description: 'jobs done',
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: steps.map((k) => ({
          startTimeUnixNano: ns(T0 - 60_000),
          timeUnixNano: ns(T0 + k * 60_000 + 30_000),
          asInt: String(60 * k),
        })),
      },
    },
    {
      name: 'queue.depth',
      unit: '{message}',
      gauge: {
        dataPoints: steps.flatMap((k) => [
          {
            timeUnixNano: ns(T0 + k * 60_000 + 10_000),
            asDouble: 3 + k,
            attributes: [{ key: 'queue', value: { stringValue: 'a' } }],
          },
          {
            timeUnixNano: ns(T0 + k * 60_000 + 10_000),
            asDouble: 7,
            attributes: [{ key: 'queue', value: { stringValue: 'b' } }],
          },
        ]),
      },
    },
    {
      name: 'http.server.request.duration',
      unit: 's',
      histogram: {
        aggregationTemporality: 1,
        dataPoints: steps.map((k) => ({
          startTimeUnixNano: ns(T0 + k * 60_000),
          timeUnixNano: ns(T0 + k * 60_000 + 59_000),
          count: '10',
          sum: 0.3,
          bucketCounts: ['0', '10', '0', '0'],
          explicitBounds: [0.01, 0.05, 0.1],
          attributes: [{ key: 'http.route', value: { stringValue: '/orders/:id' } }],
          exemplars: [
            { timeUnixNano: ns(T0 + k * 60_000 + 1000), asDouble: 0.03, traceId: traceId(1), spanId: spanId(10) },
          ],
        })),
      },
    },
    {
      name: 'payload.size',
      unit: 'By',
      exponentialHistogram: {
        aggregationTemporality: 1,
        dataPoints: [
          {
            startTimeUnixNano: ns(T0),
            timeUnixNano: ns(T0 + 50_000),
            count: '8',
            sum: 20,
            scale: 0,
            zeroCount: '0',
            positive: { offset: 0, bucketCounts: ['4', '4'] },
          },
        ],
      },
    },
    {
      name: 'rpc.latency',
      unit: 's',
      summary: {
        dataPoints: [
          {
            timeUnixNano: ns(T0 + 40_000),
            count: '5',
            sum: 1,
            quantileValues: [
              { quantile: 0.5, value: 0.1 },
              { quantile: 0.99, value: 0.5 },
            ],
          },
        ],
      },
    },
  ];
  const res = await postJson(otlpHttpUrl, '/v1/metrics', metricsRequest('api', metrics));
  if (res.status !== 200) throw new Error(`metrics ${res.status} ${res.body}`);
}

/** Query-string for a range covering the dataset. */
export const RANGE = `from=${T0}&to=${T0 + 6 * 60_000}`;
