import { resourceFromAttributes } from '@opentelemetry/resources';
import type { HistogramMetricData } from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { DURATION_BUCKETS } from '../src/instrumentations/http-semconv.js';
import { HttpServerDurationMetric, MAX_DURATION_SERIES } from '../src/instrumentations/http-server-duration.js';

const resource = resourceFromAttributes({ 'service.name': 'duration-test' });
const get = { method: 'GET', status: 200, scheme: 'http' as const, protocolVersion: '1.1', route: '/items/:id' };

async function histogram(metric: HttpServerDurationMetric): Promise<HistogramMetricData | undefined> {
  const { resourceMetrics, errors } = await metric.collect();
  expect(errors).toEqual([]);
  return resourceMetrics.scopeMetrics[0]?.metrics[0] as HistogramMetricData | undefined;
}

describe('http.server.request.duration producer', () => {
  it('exports nothing before the first request', async () => {
    expect(await histogram(new HttpServerDurationMetric(resource))).toBeUndefined();
  });

  it('counts into the semconv buckets with inclusive upper bounds, cumulatively', async () => {
    const metric = new HttpServerDurationMetric(resource);
    metric.record(0.005, get); // exactly on the first boundary: first bucket
    metric.record(0.0051, get);
    metric.record(11, get); // beyond the last boundary: overflow bucket
    const first = await histogram(metric);
    expect(first?.descriptor).toMatchObject({ name: 'http.server.request.duration', unit: 's' });
    expect(first?.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(first?.aggregationTemporality).toBe(AggregationTemporality.CUMULATIVE);
    const point = first?.dataPoints[0];
    expect(point?.attributes).toEqual({
      'http.request.method': 'GET',
      'http.response.status_code': 200,
      'url.scheme': 'http',
      'network.protocol.version': '1.1',
      'http.route': '/items/:id',
    });
    expect(point?.value.buckets.boundaries).toEqual(DURATION_BUCKETS);
    const counts = point?.value.buckets.counts ?? [];
    expect(counts).toHaveLength(DURATION_BUCKETS.length + 1);
    expect([counts[0], counts[1], counts[DURATION_BUCKETS.length]]).toEqual([1, 1, 1]);
    expect(point?.value).toMatchObject({ count: 3, min: 0.005, max: 11 });
    expect(point?.value.sum).toBeCloseTo(11.0101, 10);

    metric.record(0.02, get);
    const second = await histogram(metric);
    expect(second?.dataPoints[0]?.value.count).toBe(4);
    expect(second?.dataPoints[0]?.startTime).toEqual(point?.startTime);
    // An earlier collection's counts are a snapshot, not a live view.
    expect(point?.value.buckets.counts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('keeps one series per method/status/route and marks server errors with error.type', async () => {
    const metric = new HttpServerDurationMetric(resource);
    metric.record(0.01, get);
    metric.record(0.01, { ...get, status: 503 });
    metric.record(0.01, { ...get, route: undefined });
    const points = (await histogram(metric))?.dataPoints ?? [];
    expect(points).toHaveLength(3);
    expect(points.find((p) => p.attributes['http.response.status_code'] === 503)?.attributes['error.type']).toBe('503');
    expect(points.some((p) => !('http.route' in p.attributes))).toBe(true);
  });

  it('counts repeated requests into the right series, also beyond the per-route shortcut entries', async () => {
    const metric = new HttpServerDurationMetric(resource);
    const statuses = [200, 201, 204, 301, 302, 304, 400, 401, 403, 404, 500, 503];
    for (let round = 0; round < 3; round++) {
      for (const status of statuses) {
        metric.record(0.01, { ...get, status });
        metric.record(0.01, { ...get, status, method: 'POST' });
        metric.record(0.01, { ...get, status, protocolVersion: '2.0' });
        metric.record(0.01, { ...get, status, scheme: 'https' });
      }
    }
    const points = (await histogram(metric))?.dataPoints ?? [];
    expect(points).toHaveLength(statuses.length * 4);
    for (const p of points) expect(p.value.count).toBe(3);
    const post404 = points.find(
      (p) => p.attributes['http.request.method'] === 'POST' && p.attributes['http.response.status_code'] === 404,
    );
    expect(post404?.attributes).toMatchObject({ 'url.scheme': 'http', 'network.protocol.version': '1.1' });
  });

  it('bounds the number of series: the rest go to one overflow series', async () => {
    const metric = new HttpServerDurationMetric(resource);
    for (let i = 0; i < MAX_DURATION_SERIES + 50; i++) metric.record(0.01, { ...get, route: `/r${i}` });
    const points = (await histogram(metric))?.dataPoints ?? [];
    expect(points).toHaveLength(MAX_DURATION_SERIES + 1);
    expect(points.at(-1)?.attributes).toEqual({ 'otel.metric.overflow': true });
    expect(points.at(-1)?.value.count).toBe(50);
  });
});
