import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationType, MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer } from './helpers.js';
import { metricsRequest, ns, postJson } from './otlp-fixtures.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => server?.cleanup());

const series = (query: string) => getJson(`${server.apiUrl}/api/metrics/series?${query}`);

/** How many of `values` fall in each heatmap slot: (-Inf, b0], (b0, b1], …, (bn-1, +Inf). */
function expectedSlots(bounds: number[], values: number[]): number[] {
  const slots = Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    let k = 0;
    while (k < bounds.length && v > bounds[k]!) k++;
    slots[k]!++;
  }
  return slots;
}

/** Sum of the count arrays of every point of every series (a query may straddle a step boundary). */
const totalCounts = (body: { series: { points: [number, number[]][] }[] }) =>
  body.series
    .flatMap((s) => s.points.map(([, c]) => c))
    .reduce<number[]>((acc, c) => c.map((x, i) => x + (acc[i] ?? 0)), []);

describe('heatmap of exponential histograms', () => {
  const T0 = Math.floor(Date.now() / 60_000) * 60_000 - 10 * 60_000;
  const range = `from=${T0}&to=${T0 + 3 * 60_000}`;

  beforeAll(async () => {
    // Two series of one delta metric at different scales, with negative and zero counts (hand-built, known counts):
    // a: scale 1, positive indexes 2,3,4 → (2,2.83] (2.83,4] (4,5.66] counts 1,2,3; negative index 0 → [-1.41,-1) 5;
    //    zero 4.  b: scale 0, positive indexes 1,2 → (2,4] (4,8] counts 10,20.
    // At the common scale 0, a becomes positive {1: 1+2, 2: 3}, negative {0: 5}: merged (2,4]=13, (4,8]=23.
    const point = (attrs: Record<string, string>, body: object, k = 0) => ({
      startTimeUnixNano: ns(T0 + k * 60_000),
      timeUnixNano: ns(T0 + k * 60_000 + 30_000),
      attributes: Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } })),
      ...body,
    });
    const res = await postJson(
      server.otlpHttpUrl,
      '/v1/metrics',
      metricsRequest('known', [
        {
          name: 'exp.known',
          unit: 'ms',
          exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [
              point(
                { s: 'a' },
                {
                  count: '15',
                  scale: 1,
                  zeroCount: '4',
                  positive: { offset: 2, bucketCounts: ['1', '2', '3'] },
                  negative: { offset: 0, bucketCounts: ['5'] },
                },
              ),
              point(
                { s: 'b' },
                { count: '30', scale: 0, zeroCount: '0', positive: { offset: 1, bucketCounts: ['10', '20'] } },
              ),
              // next step: only b, at scale 2 (finer): index 5 → (2^(5/4), 2^(6/4)] = (2.38, 2.83] → scale 0 index 1
              point(
                { s: 'b' },
                { count: '7', scale: 2, zeroCount: '0', positive: { offset: 5, bucketCounts: ['7'] } },
                1,
              ),
            ],
          },
        },
      ]),
    );
    expect(res.status).toBe(200);
  });

  it('merges series of different scales at the smallest one, with negative, zero and positive slots', async () => {
    const { status, body } = await series(`name=exp.known&${range}&step=60s&agg=heatmap`);
    expect(status).toBe(200);
    expect(body.scale).toBe(0);
    expect(body.bounds).toEqual([-2, -1, 2, 4, 8]);
    expect(body.series).toEqual([
      {
        labels: {},
        points: [
          [T0, [0, 5, 4, 13, 23, 0]],
          [T0 + 60_000, [0, 0, 0, 7, 0, 0]],
        ],
      },
    ]);
  });

  it('gives every group the same bounds', async () => {
    const { body } = await series(`name=exp.known&${range}&step=60s&agg=heatmap&groupBy=s`);
    expect(body.bounds).toEqual([-2, -1, 2, 4, 8]);
    expect(body.series).toEqual([
      { labels: { s: 'a' }, points: [[T0, [0, 5, 4, 3, 3, 0]]] },
      {
        labels: { s: 'b' },
        points: [
          [T0, [0, 0, 0, 10, 20, 0]],
          [T0 + 60_000, [0, 0, 0, 7, 0, 0]],
        ],
      },
    ]);
  });

  it('keeps the scale of the data when only one scale is present, and filters by attribute', async () => {
    const { body } = await series(`name=exp.known&from=${T0}&to=${T0 + 60_000}&step=60s&agg=heatmap&attr.s=a`);
    expect(body.scale).toBe(1);
    const r = Math.SQRT2;
    expect(body.bounds.map((b: number) => +b.toFixed(9))).toEqual(
      [-r, -1, 2, 2 * r, 4, 4 * r].map((b) => +b.toFixed(9)),
    );
    expect(body.series[0].points).toEqual([[T0, [0, 5, 4, 1, 2, 3, 0]]]);
  });

  it('puts negative values and the zero bucket in order for quantiles', async () => {
    // merged first step: 5 in [-2,-1), 4 zeros, 13 in (2,4], 23 in (4,8]; rank of p50 = 22.5 → 4 + 4 × 0.5/23
    const { body } = await series(`name=exp.known&from=${T0}&to=${T0 + 60_000}&step=60s&agg=p50`);
    expect(body.series[0].points[0][1]).toBeCloseTo(4 + (4 * 0.5) / 23, 9);
    const p10 = await series(`name=exp.known&from=${T0}&to=${T0 + 60_000}&step=60s&agg=p10`);
    expect(p10.status).toBe(400); // p10 is not an aggregation; the error lists the ones that are
    expect(p10.body.error.message).toContain('heatmap');
    const low = await series(`name=exp.known&from=${T0}&to=${T0 + 60_000}&step=60s&agg=p50&attr.s=a`);
    // a alone: 5 negative, 4 zero, then 1+2+3: rank 7.5 falls in the zero bucket
    expect(low.body.series[0].points[0][1]).toBe(0);
  });

  it('draws what the OpenTelemetry JS SDK recorded, also after the SDK lowers the scale of a cumulative histogram', async () => {
    const reader = new PeriodicExportingMetricReader({
      exporter: new OTLPMetricExporter({ url: `${server.otlpHttpUrl}/v1/metrics` }),
      exportIntervalMillis: 3_600_000,
    });
    const provider = new MeterProvider({
      resource: resourceFromAttributes({ 'service.name': 'sdk-exp' }),
      readers: [reader],
      views: [{ instrumentName: 'payload.bytes', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } }],
    });
    const histogram = provider.getMeter('m').createHistogram('payload.bytes', { unit: 'By' });
    const first = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 → the SDK picks scale 4 (≤ 160 buckets)
    const second = Array.from({ length: 100 }, (_, i) => 1000 + i * 10); // 1000..1990 → the range forces scale 3
    const start = Date.now() - 1000;
    for (const v of first) histogram.record(v);
    await reader.forceFlush();
    await new Promise((r) => setTimeout(r, 20));
    const mid = Date.now();
    await new Promise((r) => setTimeout(r, 20));
    for (const v of second) histogram.record(v);
    await reader.forceFlush();
    const end = Date.now() + 1000;
    await provider.shutdown();

    const one = await series(`name=payload.bytes&from=${start}&to=${mid}&step=3600s&agg=heatmap`);
    expect(one.body.scale).toBe(4);
    const oneCounts = totalCounts(one.body);
    expect(oneCounts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(oneCounts).toEqual(expectedSlots(one.body.bounds, first));

    // From `mid` on, the cumulative point's increase is the second batch only, computed at the lowered scale.
    const two = await series(`name=payload.bytes&from=${mid}&to=${end}&step=3600s&agg=heatmap`);
    expect(two.body.scale).toBe(3);
    const twoCounts = totalCounts(two.body);
    expect(twoCounts.reduce((a, b) => a + b, 0)).toBe(100);
    expect(twoCounts).toEqual(expectedSlots(two.body.bounds, second));

    const both = await series(`name=payload.bytes&from=${start}&to=${end}&step=3600s&agg=heatmap`);
    expect(both.body.scale).toBe(3);
    expect(totalCounts(both.body)).toEqual(expectedSlots(both.body.bounds, [...first, ...second]));
  });

  it('lowers the scale further so a heatmap row has at most 160 buckets', async () => {
    // scale 8 buckets spread over 2^0 .. 2^4: 1,024 buckets at scale 8 → 128 at scale 5
    const counts = Array<string>(1024).fill('1');
    const res = await postJson(
      server.otlpHttpUrl,
      '/v1/metrics',
      metricsRequest('wide', [
        {
          name: 'exp.wide',
          exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [
              {
                startTimeUnixNano: ns(T0),
                timeUnixNano: ns(T0 + 1000),
                count: '1024',
                scale: 8,
                zeroCount: '0',
                positive: { offset: 0, bucketCounts: counts },
              },
            ],
          },
        },
      ]),
    );
    expect(res.status).toBe(200);
    const { body } = await series(`name=exp.wide&${range}&step=60s&agg=heatmap`);
    expect(body.scale).toBe(5);
    expect(body.bounds).toHaveLength(129);
    expect(body.bounds[0]).toBe(1);
    expect(body.bounds[128]).toBe(16);
    const row = body.series[0].points[0][1] as number[];
    expect(row).toHaveLength(130);
    expect(row.slice(1, 129).every((c) => c === 8)).toBe(true);
  });
});
