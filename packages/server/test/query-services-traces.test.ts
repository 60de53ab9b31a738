import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startTestServer } from './helpers.js';
import { loadKnownDataset, RANGE, T0 } from './known-dataset.js';
import { spanId, traceId } from './otlp-fixtures.js';

let server: Awaited<ReturnType<typeof startTestServer>>;
const api = (path: string) => getJson(`${server.apiUrl}${path}`);

beforeAll(async () => {
  server = await startTestServer();
  await loadKnownDataset(server.otlpHttpUrl);
});
afterAll(async () => server?.cleanup());

describe('services', () => {
  it('health counts every stored span, log and metric point and names the OTLP endpoints', async () => {
    const { body } = await api('/api/health');
    expect(body).toEqual({
      status: 'ok',
      version: '0.1.0',
      storage: { spans: 34, logs: 14, metricPoints: 26 },
      otlp: { grpc: server.otlpGrpcUrl, http: server.otlpHttpUrl },
    });
  });

  it('lists each service with rate, error ratio and latency percentiles from its entry spans', async () => {
    const { status, body } = await api(`/api/services?${RANGE}`);
    expect(status).toBe(200);
    const [apiRow, inventory, worker] = body.services;
    expect(body.services.map((s: { name: string }) => s.name)).toEqual(['api', 'inventory', 'worker']);
    expect(apiRow).toMatchObject({ requests: 10, errors: 1, errorRatio: 0.1 });
    expect(apiRow.rate).toBeCloseTo(10 / 360, 9);
    expect(apiRow.p50Ms).toBeCloseTo(55, 6);
    expect(apiRow.p95Ms).toBeCloseTo(95.5, 6);
    expect(apiRow.p99Ms).toBeCloseTo(99.1, 6);
    expect(inventory).toMatchObject({ requests: 10, errors: 0, errorRatio: 0 });
    expect(inventory.p50Ms).toBeCloseTo(27.5, 6);
    // worker has no server spans: its root spans count as requests
    expect(worker).toMatchObject({ requests: 4, errors: 0, p50Ms: 5, p99Ms: 5 });
  });

  it('breaks a service down per route-based operation', async () => {
    const { body } = await api(`/api/services/api/operations?${RANGE}`);
    expect(body.operations).toHaveLength(1);
    expect(body.operations[0]).toMatchObject({ name: 'GET /orders/:id', spanKind: 'server', requests: 10, errors: 1 });
  });

  it('gives RED per step for one service and for all', async () => {
    const { body } = await api(`/api/services/api/series?${RANGE}&step=60s`);
    expect(body.step).toBe(60_000);
    expect(body.points).toHaveLength(6);
    expect(body.points[0]).toMatchObject({ t: T0, errorRatio: 0.1 });
    expect(body.points[0].rate).toBeCloseTo(10 / 60, 9);
    expect(body.points[1]).toMatchObject({ t: T0 + 60_000, rate: 0, p50Ms: null });
    const all = await api(`/api/series?${RANGE}&step=1m`);
    expect(all.body.points[0].rate).toBeCloseTo(24 / 60, 9);
    const workerOnly = await api(`/api/series?${RANGE}&step=1m&service=worker`);
    expect(workerOnly.body.points[0].rate).toBeCloseTo(4 / 60, 9);
  });
});

describe('trace search', () => {
  it('finds traces newest first with root, duration, span and error counts', async () => {
    const { body } = await api(`/api/traces?${RANGE}&service=api&limit=3`);
    expect(body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId(10), traceId(9), traceId(8)]);
    expect(body.traces[0]).toMatchObject({
      rootService: 'api',
      rootName: 'GET /orders/:id',
      spanCount: 3,
      errorCount: 1,
      services: ['api', 'inventory'],
    });
    expect(body.traces[0].startMs).toBe(T0 + 10_000);
    expect(body.traces[0].durationMs).toBeCloseTo(100, 6);
  });

  it('filters by status, duration, name and attributes', async () => {
    const errors = await api(`/api/traces?${RANGE}&status=error`);
    expect(errors.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId(10)]);
    const slow = await api(
      `/api/traces?${RANGE}&service=api&name=GET%20%2Forders%2F%3Aid&minDurationMs=70&maxDurationMs=90`,
    );
    expect(slow.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId(9), traceId(8), traceId(7)]);
    const gold = await api(`/api/traces?${RANGE}&attr.customer.tier=gold&attr.http.response.status_code=200`);
    expect(gold.body.traces.map((t: { traceId: string }) => t.traceId)).toEqual([traceId(3), traceId(2), traceId(1)]);
    const byResource = await api(`/api/traces?${RANGE}&attr.service.name=worker`);
    expect(byResource.body.traces).toHaveLength(4);
    const none = await api(`/api/traces?from=${T0 - 3_600_000}&to=${T0 - 60_000}`);
    expect(none.body.traces).toEqual([]);
  });

  it('returns one trace as Tempo-compatible OTLP/JSON with exact ids, times, typed attributes, events and links', async () => {
    const { status, body } = await api(`/api/traces/${traceId(10)}`);
    expect(status).toBe(200);
    expect(body.resourceSpans).toHaveLength(2);
    const apiRs = body.resourceSpans.find((r: any) => r.resource.attributes[0].value.stringValue === 'api');
    expect(apiRs.scopeSpans[0].scope).toEqual({ name: 'test-scope', version: '1.2.3' });
    const root = apiRs.scopeSpans[0].spans[0];
    expect(root).toMatchObject({
      traceId: traceId(10),
      spanId: spanId(100),
      parentSpanId: '',
      name: 'GET /orders/:id',
      kind: 2,
      startTimeUnixNano: `${BigInt(T0 + 10_000) * 1_000_000n}`,
      endTimeUnixNano: `${BigInt(T0 + 10_100) * 1_000_000n}`,
      status: { code: 2, message: 'order store unavailable' },
    });
    expect(root.attributes).toContainEqual({ key: 'http.response.status_code', value: { intValue: '500' } });
    expect(root.events).toEqual([
      {
        timeUnixNano: `${BigInt(T0 + 10_005) * 1_000_000n}`,
        name: 'exception',
        attributes: [{ key: 'exception.message', value: { stringValue: 'boom' } }],
      },
    ]);
    const linked = await api(`/api/traces/${traceId(1)}`);
    const client = linked.body.resourceSpans.flatMap((r: any) => r.scopeSpans[0].spans).find((s: any) => s.kind === 3);
    expect(client.links).toEqual([{ traceId: traceId(99), spanId: spanId(99), traceState: '', attributes: [] }]);
    expect(client.parentSpanId).toBe(spanId(10));
  });

  it('also answers in the Tempo v2 shape for Grafana, with /api/echo for its connection test', async () => {
    const v2 = await api(`/api/traces/${traceId(4)}`);
    const { status, body } = await api(`/api/v2/traces/${traceId(4)}`);
    expect(status).toBe(200);
    expect(body).toEqual({ trace: v2.body, status: 'complete' });
    expect((await api('/api/echo')).body).toBe('echo');
  });

  it('answers 404 for an unknown trace and 400 for a malformed id', async () => {
    const missing = await api(`/api/traces/${'f'.repeat(32)}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('SIGHTLINE_ERR_TRACE_NOT_FOUND');
    const bad = await api('/api/traces/xyz');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('SIGHTLINE_ERR_BAD_TRACE_ID');
  });
});

describe('bulk span reads', () => {
  it('pages through every span oldest first with a cursor', async () => {
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body }: { body: any } = await api(`/api/spans?${RANGE}&limit=7${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...body.spans);
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(34);
    expect(new Set(seen.map((s) => s.spanId)).size).toBe(34);
    const starts = seen.map((s) => s.startMs);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(seen[0]).toMatchObject({
      traceId: traceId(1),
      spanId: spanId(10),
      parentSpanId: '',
      service: 'api',
      kind: 'server',
      statusCode: 'unset',
      scopeName: 'test-scope',
      scopeVersion: '1.2.3',
      durationMs: 10,
      resource: { 'service.name': 'api' },
    });
    expect(seen[0].attributes['http.route']).toBe('/orders/:id');
    const error = seen.find((s) => s.statusCode === 'error');
    expect(error.events[0]).toMatchObject({ name: 'exception', timeMs: T0 + 10_005 });
    const inventoryOnly = await api(`/api/spans?${RANGE}&service=inventory`);
    expect(inventoryOnly.body.spans).toHaveLength(10);
    expect(inventoryOnly.body.nextCursor).toBeNull();
  });

  it('rejects a forged cursor and bad parameters with a coded 400', async () => {
    for (const q of ['cursor=bm9wZQ', 'limit=0', 'from=yesterday', `from=${T0}&to=${T0 - 1}`]) {
      const { status, body } = await api(`/api/spans?${q}`);
      expect(status, q).toBe(400);
      expect(body.error.code, q).toMatch(/^SIGHTLINE_ERR_/);
    }
  });
});
