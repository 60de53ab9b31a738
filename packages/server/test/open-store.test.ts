import { describe, expect, it } from 'vitest';
import { exportSpans, getTrace, listServices, openStore, parseRange, searchLogs, startServer } from '../src/index.js';
import { tempDir } from './helpers.js';
import { logsRequest, postJson, spanId, traceId, tracesRequest } from './otlp-fixtures.js';

describe('reading a data dir without a server', () => {
  it('opens the store read-only and answers the same queries as the API', async () => {
    const tmp = tempDir();
    try {
      const server = await startServer({
        dataDir: tmp.dir,
        port: 0,
        otlpGrpcPort: 0,
        otlpHttpPort: 0,
        onWarning: () => {},
      });
      const now = Date.now();
      await postJson(
        server.otlpHttpUrl,
        '/v1/traces',
        tracesRequest('offline', [
          { traceId: traceId(1), spanId: spanId(1), name: 'GET /x', kind: 2, startMs: now - 1000, durationMs: 8 },
        ]),
      );
      await postJson(
        server.otlpHttpUrl,
        '/v1/logs',
        logsRequest('offline', [
          { timeMs: now - 900, severityNumber: 17, severityText: 'error', body: 'it broke', traceId: traceId(1) },
        ]),
      );
      await server.close();

      const store = await openStore(tmp.dir, { readOnly: true });
      const range = parseRange(new URLSearchParams('from=now-1h'));
      expect((await listServices(store, range))[0]).toMatchObject({ name: 'offline', requests: 1 });
      expect((await searchLogs(store, { range, minSeverity: 17, limit: 10 })).logs[0]).toMatchObject({
        body: 'it broke',
        traceId: traceId(1),
      });
      expect((await exportSpans(store, { range, limit: 10 })).spans).toHaveLength(1);
      expect((await getTrace(store, traceId(1)))?.resourceSpans).toHaveLength(1);
      await expect(store.applyRetention(1)).resolves.toBe(0); // read-only: never deletes
      await store.close();
    } finally {
      tmp.cleanup();
    }
  });
});
