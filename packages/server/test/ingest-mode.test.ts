import { describe, expect, it } from 'vitest';
import { decodeOtlpJson, openStore, toRows } from '../src/index.js';
import { IngestQueue } from '../src/ingest-queue.js';
import { tempDir } from './helpers.js';
import { spanId, traceId, tracesRequest } from './otlp-fixtures.js';

const threads = async (store: Awaited<ReturnType<typeof openStore>>) =>
  Number((await store.query(`SELECT current_setting('threads') AS t`))[0]?.t);

describe('ingest mode', () => {
  it('runs DuckDB on one thread while requests queue up, and gives the query threads back once ingest is idle', async () => {
    const tmp = tempDir();
    const store = await openStore(tmp.dir);
    try {
      const queryThreads = await threads(store);
      const queue = new IngestQueue(store, 1_000_000);
      const now = Date.now();
      const batches = Array.from({ length: 20 }, (_, b) => {
        const spans = Array.from({ length: 50 }, (_, i) => ({
          traceId: traceId(b * 50 + i + 1),
          spanId: spanId(b * 50 + i + 1),
          name: 'GET /x',
          kind: 2,
          startMs: now - 1000,
          durationMs: 5,
        }));
        return toRows('traces', decodeOtlpJson('traces', JSON.stringify(tracesRequest('svc', spans))), 86_400_000);
      });
      // All submitted at once: the first commit runs alone, the other 19 requests wait for it (sustained load).
      await Promise.all(batches.map((b) => queue.submit(b)));
      expect(await threads(store)).toBe(1);
      expect((await store.counts()).spans).toBe(1000);

      await new Promise((r) => setTimeout(r, 1500));
      expect(await threads(store)).toBe(queryThreads);

      // A lone request (no queue) does not switch.
      await queue.submit(batches[0] as (typeof batches)[number]);
      expect(await threads(store)).toBe(queryThreads);
      await queue.close();
    } finally {
      await store.close();
      tmp.cleanup();
    }
  });
});
