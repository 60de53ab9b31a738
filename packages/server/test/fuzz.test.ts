import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpJson, decodeOtlpProtobuf, toRows } from '../src/index.js';
import { REQUEST_TYPES, type Signal } from '../src/otlp-proto.js';
import { getJson, startTestServer } from './helpers.js';
import { logsRequest, metricsRequest, ns, spanId, traceId, tracesRequest } from './otlp-fixtures.js';

const CASES = 10_000;
const SEED = Number(process.env.SIGHTLINE_FUZZ_SEED ?? 20261126);
const RETENTION_MS = 7 * 86_400_000;

/** mulberry32: a small seeded PRNG so a failing case can be replayed with SIGHTLINE_FUZZ_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function validPayloads(): { signal: Signal; json: object }[] {
  const now = Date.now();
  const out: { signal: Signal; json: object }[] = [];
  for (let k = 0; k < 4; k++) {
    out.push({
      signal: 'traces',
      json: tracesRequest(`fuzz-${k}`, [
        {
          traceId: traceId(k + 1),
          spanId: spanId(k * 3 + 1),
          name: 'GET /a',
          kind: 2,
          startMs: now - 5000,
          durationMs: 12,
          attributes: { 'http.route': '/a', n: k, ok: true, r: 0.5 },
          events: [{ timeMs: now - 4990, name: 'e', attributes: { x: 1 } }],
        },
        {
          traceId: traceId(k + 1),
          spanId: spanId(k * 3 + 2),
          parentSpanId: spanId(k * 3 + 1),
          name: 'db',
          kind: 3,
          startMs: now - 4995,
          durationMs: 3,
          links: [{ traceId: traceId(9), spanId: spanId(9) }],
          status: { code: 2, message: 'x' },
        },
      ]),
    });
    out.push({
      signal: 'logs',
      json: logsRequest(`fuzz-${k}`, [
        {
          timeMs: now - 1000,
          severityNumber: 9,
          severityText: 'info',
          body: 'hello',
          traceId: traceId(k + 1),
          spanId: spanId(k * 3 + 1),
          attributes: { a: 'b' },
        },
        { timeMs: now - 999, severityNumber: 17, severityText: 'error', body: { msg: 'structured', code: 7 } },
      ]),
    });
    out.push({
      signal: 'metrics',
      json: metricsRequest(`fuzz-${k}`, [
        {
          name: 'c',
          sum: {
            aggregationTemporality: 2,
            isMonotonic: true,
            dataPoints: [{ startTimeUnixNano: ns(now - 60_000), timeUnixNano: ns(now), asInt: '5' }],
          },
        },
        {
          name: 'h',
          histogram: {
            aggregationTemporality: 1,
            dataPoints: [
              {
                timeUnixNano: ns(now),
                count: '3',
                bucketCounts: ['1', '2'],
                explicitBounds: [1],
                exemplars: [{ timeUnixNano: ns(now), asDouble: 1, traceId: traceId(1), spanId: spanId(1) }],
              },
            ],
          },
        },
        {
          name: 'e',
          exponentialHistogram: {
            aggregationTemporality: 1,
            dataPoints: [
              { timeUnixNano: ns(now), count: '2', scale: 2, positive: { offset: -1, bucketCounts: ['1', '1'] } },
            ],
          },
        },
        {
          name: 's',
          summary: {
            dataPoints: [{ timeUnixNano: ns(now), count: '1', sum: 2, quantileValues: [{ quantile: 0.5, value: 2 }] }],
          },
        },
        { name: 'g', gauge: { dataPoints: [{ timeUnixNano: ns(now), asDouble: 1.5 }] } },
      ]),
    });
  }
  return out;
}

const WEIRD: unknown[] = [
  '',
  'zz',
  '0',
  '-1',
  '18446744073709551616',
  'NaN',
  -1,
  0,
  1e308,
  3.5,
  true,
  null,
  [],
  {},
  [1, 'a'],
  { a: 1 },
  'ABCDEF0123456789ABCDEF0123456789',
  'a'.repeat(300),
];

function mutateJson(value: unknown, rnd: () => number): unknown {
  const root = structuredClone(value) as Record<string, unknown>;
  const mutations = 1 + Math.floor(rnd() * 3);
  for (let m = 0; m < mutations; m++) {
    // walk to a random container
    let node: unknown = root;
    for (let depth = 0; depth < 12; depth++) {
      const keys = node && typeof node === 'object' ? Object.keys(node) : [];
      if (keys.length === 0 || rnd() < 0.15) break;
      const next = (node as Record<string, unknown>)[keys[Math.floor(rnd() * keys.length)]!];
      if (!next || typeof next !== 'object') break;
      node = next;
    }
    if (!node || typeof node !== 'object') continue;
    const obj = node as Record<string, unknown>;
    const keys = Object.keys(obj);
    const key = keys[Math.floor(rnd() * keys.length)] ?? 'x';
    const r = rnd();
    if (r < 0.6) obj[key] = structuredClone(WEIRD[Math.floor(rnd() * WEIRD.length)]);
    else if (r < 0.8) delete obj[key];
    else obj[`${key}_extra`] = structuredClone(WEIRD[Math.floor(rnd() * WEIRD.length)]);
  }
  return root;
}

function mutateBytes(bytes: Uint8Array, rnd: () => number): Uint8Array {
  const out = Array.from(bytes);
  const mutations = 1 + Math.floor(rnd() * 4);
  for (let m = 0; m < mutations && out.length > 0; m++) {
    const i = Math.floor(rnd() * out.length);
    const r = rnd();
    if (r < 0.5) out[i] = Math.floor(rnd() * 256);
    else if (r < 0.7) out.splice(i);
    else if (r < 0.85) out.splice(i, 0, Math.floor(rnd() * 256));
    else out.splice(i, 0, ...out.slice(i, i + Math.floor(rnd() * 20)));
  }
  return new Uint8Array(out);
}

interface Case {
  signal: Signal;
  contentType: string;
  body: Uint8Array | string;
  mustAccept: boolean;
}

function makeCase(rnd: () => number, pool: { signal: Signal; json: object; proto: Uint8Array }[]): Case {
  const base = pool[Math.floor(rnd() * pool.length)]!;
  const r = rnd();
  if (r < 0.2) {
    const signals: Signal[] = ['traces', 'logs', 'metrics'];
    const bytes = new Uint8Array(Math.floor(rnd() * 600)).map(() => Math.floor(rnd() * 256));
    return {
      signal: signals[Math.floor(rnd() * 3)]!,
      contentType: 'application/x-protobuf',
      body: bytes,
      mustAccept: false,
    };
  }
  if (r < 0.6)
    return {
      signal: base.signal,
      contentType: 'application/x-protobuf',
      body: mutateBytes(base.proto, rnd),
      mustAccept: false,
    };
  if (r < 0.85)
    return {
      signal: base.signal,
      contentType: 'application/json',
      body: JSON.stringify(mutateJson(base.json, rnd)),
      mustAccept: false,
    };
  if (r < 0.9) {
    const text = JSON.stringify(base.json);
    const i = Math.floor(rnd() * text.length);
    return {
      signal: base.signal,
      contentType: 'application/json',
      body: text.slice(0, i) + text.slice(i + 1 + Math.floor(rnd() * 5)),
      mustAccept: false,
    };
  }
  return rnd() < 0.5
    ? { signal: base.signal, contentType: 'application/x-protobuf', body: base.proto, mustAccept: true }
    : { signal: base.signal, contentType: 'application/json', body: JSON.stringify(base.json), mustAccept: true };
}

/** What the server must have stored for an accepted case (the decoder + validator as oracle). */
function expectedRows(c: Case): { spans: number; logs: number; points: number } {
  const message = typeof c.body === 'string' ? decodeOtlpJson(c.signal, c.body) : decodeOtlpProtobuf(c.signal, c.body);
  const b = toRows(c.signal, message, RETENTION_MS);
  return { spans: b.spans.length, logs: b.logs.length, points: b.points.length };
}

let server: Awaited<ReturnType<typeof startTestServer>>;
beforeAll(async () => {
  server = await startTestServer({ maxBody: '1MiB' });
});
afterAll(async () => server?.cleanup());

describe('fuzzing the OTLP/HTTP receiver', () => {
  it(`survives ${CASES} random and mutated payloads: only 200/400 answers, rejected requests store nothing (seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    const pool = validPayloads().map((p) => ({
      ...p,
      proto: REQUEST_TYPES[p.signal].encode(decodeOtlpJson(p.signal, JSON.stringify(p.json)) as never).finish(),
    }));
    const expected = { spans: 0, logs: 0, points: 0 };
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < CASES) {
        const index = next++;
        const c = makeCase(rnd, pool);
        const res = await fetch(`${server.otlpHttpUrl}/v1/${c.signal}`, {
          method: 'POST',
          headers: { 'content-type': c.contentType },
          body: c.body,
        });
        const text = await res.text();
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 200) {
          try {
            const rows = expectedRows(c);
            expected.spans += rows.spans;
            expected.logs += rows.logs;
            expected.points += rows.points;
          } catch (e) {
            failures.push(`case ${index}: accepted but the decoder rejects it: ${(e as Error).message}`);
          }
        } else if (res.status !== 400 || c.mustAccept) {
          failures.push(`case ${index}: ${res.status} ${text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    console.log(`fuzz seed ${SEED}: statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(failures.slice(0, 5)).toEqual([]);
    expect(statuses.get(400) ?? 0).toBeGreaterThan(CASES / 10);
    expect(statuses.get(200) ?? 0).toBeGreaterThan(CASES / 20);
    // a retention sweep must not delete anything that ingest accepted (same time rule on both sides)
    expect(await server.store.applyRetention(RETENTION_MS)).toBe(0);
    const { body } = await getJson(`${server.apiUrl}/api/health`);
    expect(body.storage).toEqual({ spans: expected.spans, logs: expected.logs, metricPoints: expected.points });
    // and the API still reads everything that was stored
    const spans = await getJson(`${server.apiUrl}/api/spans?from=0&limit=100000`);
    expect(spans.status).toBe(200);
    const logs = await getJson(`${server.apiUrl}/api/logs/export?from=0&limit=100000`);
    expect(logs.status).toBe(200);
  }, 240_000); // 10,000 HTTP requests: allow for a busy 2-core machine
});
