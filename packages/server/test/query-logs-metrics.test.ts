import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer } from './helpers.js';
import { loadKnownDataset, RANGE, T0 } from './known-dataset.js';
import { logsRequest, postJson, spanId, traceId } from './otlp-fixtures.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const api = (path: string) => getJson(`${server.apiUrl}${path}`);

beforeAll(async () => {
  server = await startTestServer();
  await loadKnownDataset(server.otlpHttpUrl);
});
afterAll(async () => server?.cleanup());

describe('logs', () => {
  it('returns logs newest first with service, severity, body, ids, attributes and resource', async () => {
    const { body } = await api(`/api/logs?${RANGE}`);
    expect(body.logs).toHaveLength(14);
    expect(body.nextCursor).toBeNull();
    const times = body.logs.map((l: { timeMs: number }) => l.timeMs);
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const err = body.logs.find((l: { severityNumber: number }) => l.severityNumber === 17);
    expect(err).toMatchObject({
      timeMs: T0 + 10_002,
      service: 'api',
      severityText: 'error',
      body: 'failed to load order 10',
      traceId: traceId(10),
      spanId: spanId(100),
      attributes: { 'order.id': 10 },
      resource: { 'service.name': 'api' },
    });
    expect(typeof err.id).toBe('string');
    const structured = body.logs.find((l: { service: string }) => l.service === 'worker');
    expect(structured.body).toEqual({ event: 'job done', n: 4 });
  });

  it('filters by service, minimum severity, text, trace id, span id and attributes', async () => {
    const count = async (q: string) => (await api(`/api/logs?${RANGE}&${q}`)).body.logs.length;
    expect(await count('service=worker')).toBe(4);
    expect(await count('severity=info')).toBe(10);
    expect(await count('severity=warn')).toBe(1);
    expect(await count('severity=17')).toBe(1);
    expect(await count('severity=debug')).toBe(14);
    expect(await count('q=ORDER%20FETCHED')).toBe(9);
    expect(await count('q=job%20done')).toBe(4);
    expect(await count(`traceId=${traceId(3)}`)).toBe(1);
    expect(await count(`spanId=${spanId(30)}`)).toBe(1);
    expect(await count('attr.order.id=7')).toBe(1);
    expect(await count('attr.service.name=worker')).toBe(4);
    const bad = await api('/api/logs?severity=loud');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('severity="loud"');
  });

  it('pages newest first with an opaque cursor without repeating or skipping rows', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const { body }: { body: any } = await api(`/api/logs?${RANGE}&limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      ids.push(...body.logs.map((l: { id: string }) => l.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(14);
    expect(new Set(ids).size).toBe(14);
  });

  it('exports logs oldest first for bulk readers', async () => {
    const first = await api(`/api/logs/export?${RANGE}&limit=10`);
    expect(first.body.logs).toHaveLength(10);
    expect(first.body.logs[0].body).toBe('order fetched id=1');
    const rest = await api(`/api/logs/export?${RANGE}&limit=10&cursor=${first.body.nextCursor}`);
    expect(rest.body.logs).toHaveLength(4);
    expect(rest.body.nextCursor).toBeNull();
  });

  it('streams newly committed matching logs over Server-Sent Events', async () => {
    const controller = new AbortController();
    const res = await fetch(`${server.apiUrl}/api/logs/tail?severity=error&service=tailer`, {
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    text += decoder.decode((await reader.read()).value); // ": connected"
    const now = Date.now();
    await postJson(
      server.otlpHttpUrl,
      '/v1/logs',
      logsRequest('tailer', [
        { timeMs: now, severityNumber: 9, severityText: 'info', body: 'not for the tail' },
        {
          timeMs: now + 1,
          severityNumber: 18,
          severityText: 'error',
          body: 'disk <full> & "quoted"',
          traceId: traceId(5),
        },
      ]),
    );
    await postJson(
      server.otlpHttpUrl,
      '/v1/logs',
      logsRequest('other', [{ timeMs: now, severityNumber: 20, severityText: 'error', body: 'other service' }]),
    );
    while (!text.includes('data: ')) text += decoder.decode((await reader.read()).value);
    controller.abort();
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6)));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      service: 'tailer',
      severityNumber: 18,
      body: 'disk <full> & "quoted"',
      traceId: traceId(5),
    });
    // a trace's logs from different batches (far apart in the table) are all found by traceId
    const both = await api(`/api/logs?from=${T0}&traceId=${traceId(5)}`);
    expect(both.body.logs.map((l: { service: string }) => l.service)).toEqual(['tailer', 'api']);
  });
});

describe('metrics', () => {
  it('lists metric names with type, unit, description, monotonicity, temporality and services', async () => {
    const { body } = await api(`/api/metrics?${RANGE}`);
    expect(body.metrics.map((m: { name: string }) => m.name)).toEqual([
      'http.server.request.duration',
      'jobs.processed',
      'payload.size',
      'queue.depth',
      'rpc.latency',
    ]);
    expect(body.metrics[1]).toEqual({
      name: 'jobs.processed',
      type: 'sum',
      unit: '{job}',
      description: 'jobs done',
      monotonic: true,
      temporality: 'cumulative',
      services: ['api'],
    });
    expect(body.metrics[0]).toMatchObject({ type: 'histogram', unit: 's', temporality: 'delta' });
    expect(body.metrics[2].type).toBe('exponential_histogram');
    expect(body.metrics[3]).toMatchObject({ type: 'gauge', temporality: '' });
    expect(body.metrics[4].type).toBe('summary');
  });

  it('lists label values of a metric', async () => {
    const { body } = await api(`/api/metrics/labels?name=queue.depth&${RANGE}`);
    expect(body.labels).toEqual({ queue: ['a', 'b'], 'service.name': ['api'] });
  });

  it('computes a per-second rate of a cumulative counter', async () => {
    const { body } = await api(`/api/metrics/series?name=jobs.processed&${RANGE}&step=60s&agg=rate`);
    expect(body.series).toHaveLength(1);
    expect(body.series[0].points).toEqual([1, 2, 3, 4, 5].map((k) => [T0 + k * 60_000, 1]));
    const inc = await api(`/api/metrics/series?name=jobs.processed&${RANGE}&step=120s&agg=increase`);
    expect(inc.body.series[0].points).toEqual([
      [T0, 60],
      [T0 + 120_000, 120],
      [T0 + 240_000, 120],
    ]);
  });

  it('groups a gauge by attribute with last, max and avg', async () => {
    const last = await api(`/api/metrics/series?name=queue.depth&${RANGE}&step=60s&agg=last&groupBy=queue`);
    expect(last.body.series).toEqual([
      { labels: { queue: 'a' }, points: [0, 1, 2, 3, 4, 5].map((k) => [T0 + k * 60_000, 3 + k]) },
      { labels: { queue: 'b' }, points: [0, 1, 2, 3, 4, 5].map((k) => [T0 + k * 60_000, 7]) },
    ]);
    const max = await api(`/api/metrics/series?name=queue.depth&${RANGE}&step=60s&agg=max`);
    expect(max.body.series).toEqual([{ labels: {}, points: [7, 7, 7, 7, 7, 8].map((v, k) => [T0 + k * 60_000, v]) }]);
    const avg = await api(`/api/metrics/series?name=queue.depth&${RANGE}&step=60s&agg=avg&attr.queue=a`);
    expect(avg.body.series[0].points[2]).toEqual([T0 + 120_000, 5]);
  });

  it('computes histogram quantiles and heatmap bucket counts', async () => {
    const p50 = await api(
      `/api/metrics/series?name=http.server.request.duration&${RANGE}&step=60s&agg=p50&groupBy=http.route`,
    );
    expect(p50.body.series[0].labels).toEqual({ 'http.route': '/orders/:id' });
    expect(p50.body.series[0].points).toHaveLength(6);
    expect(p50.body.series[0].points[0][1]).toBeCloseTo(0.03, 9);
    const heat = await api(`/api/metrics/series?name=http.server.request.duration&${RANGE}&step=120s&agg=heatmap`);
    expect(heat.body.bounds).toEqual([0.01, 0.05, 0.1]);
    expect(heat.body.series[0].points[0]).toEqual([T0, [0, 20, 0, 0]]);
  });

  it('computes quantiles of exponential histograms and reads summary quantiles', async () => {
    const exp = await api(`/api/metrics/series?name=payload.size&${RANGE}&step=60s&agg=p50`);
    expect(exp.body.series[0].points).toEqual([[T0, 2]]);
    const exp75 = await api(`/api/metrics/series?name=payload.size&${RANGE}&step=60s&agg=p90`);
    expect(exp75.body.series[0].points[0][1]).toBeCloseTo(2 + 2 * (3.2 / 4), 9);
    const summary = await api(`/api/metrics/series?name=rpc.latency&${RANGE}&step=60s&agg=p99`);
    expect(summary.body.series[0].points).toEqual([[T0, 0.5]]);
  });

  it('refuses an aggregation that does not fit the metric type', async () => {
    const { status, body } = await api(`/api/metrics/series?name=queue.depth&${RANGE}&agg=p99`);
    expect(status).toBe(400);
    expect(body.error.code).toBe('SIGHTLINE_ERR_BAD_AGG');
    const missing = await api('/api/metrics/series');
    expect(missing.body.error.message).toContain('name');
  });
});
