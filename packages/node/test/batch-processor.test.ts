import { describe, expect, it } from 'vitest';
import { BoundedBatcher } from '../src/batch-processor.js';
import { droppedTotals, setQuiet } from '../src/diagnostics.js';

setQuiet(true);
const opts = { maxQueueSize: 10, maxExportBatchSize: 4, scheduledDelayMillis: 20, exportTimeoutMillis: 200 };

describe('the bounded batcher', () => {
  it('exports everything queued on flush, also with an exporter that answers synchronously', async () => {
    const exported: number[] = [];
    const b = new BoundedBatcher<number>(
      { export: (items, done) => (exported.push(...items), done({ code: 0 })), shutdown: async () => {} },
      'traces',
      opts,
    );
    for (let i = 0; i < 9; i++) b.add(i);
    await b.flush();
    expect(exported).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    b.add(9);
    await new Promise((r) => setTimeout(r, 60));
    expect(exported).toContain(9);
  });

  it('never holds more than maxQueueSize items while the exporter hangs, and counts the rest as dropped', async () => {
    const before = droppedTotals().logs;
    const b = new BoundedBatcher<number>({ export: () => {}, shutdown: async () => {} }, 'logs', opts);
    for (let i = 0; i < 100; i++) b.add(i);
    // 4 went out in the hanging export, 10 wait in the queue, 86 were dropped
    expect(droppedTotals().logs - before).toBe(86);
    // the hanging export times out and is counted too; flush still returns
    await b.flush();
    expect(droppedTotals().logs - before).toBeGreaterThanOrEqual(90);
  });

  it('keeps exporting after an export failed', async () => {
    let calls = 0;
    const b = new BoundedBatcher<number>(
      { export: (_items, done) => (calls++, done({ code: 1, error: new Error('down') })), shutdown: async () => {} },
      'metrics',
      opts,
    );
    for (let i = 0; i < 4; i++) b.add(i);
    await b.flush();
    for (let i = 0; i < 4; i++) b.add(i);
    await b.flush();
    expect(calls).toBe(2);
  });
});
