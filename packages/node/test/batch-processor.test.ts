import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { type BatchExporter, BoundedBatcher } from '../src/batch-processor.js';
import { droppedTotals, setQuiet } from '../src/diagnostics.js';
import { countEncoded, type EncodedBatch, EncodingBatcher } from '../src/encoding-batcher.js';
import { type BatchItemCodec, ProtoBatchBuilder } from '../src/otlp/batch-builder.js';

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

describe('the encoding batcher (OTLP protobuf: items encoded as they are added)', () => {
  const resource = resourceFromAttributes({ 'service.name': 'batcher-test' });
  const scope = { name: 'test' };
  // Each item is written as a one-field message (tag 2), so a sealed batch's bytes grow with its items.
  const codec: BatchItemCodec<number> = {
    write: (w, n) => {
      if (n < 0) throw new Error('negative');
      w.byte(0x12);
      w.byte(1);
      w.byte(n & 0x7f);
    },
    resource: () => resource,
    scope: () => scope,
    scopeKey: () => scope,
  };
  const make = (exporter: BatchExporter<EncodedBatch>, signal: 'traces' | 'logs' = 'traces') =>
    new EncodingBatcher(new ProtoBatchBuilder(codec), exporter, signal, opts);

  it('exports every item added before flush, in batches of at most maxExportBatchSize', async () => {
    const batches: EncodedBatch[] = [];
    const b = make({ export: (items, done) => (batches.push(...items), done({ code: 0 })), shutdown: async () => {} });
    for (let i = 0; i < 9; i++) b.add(i);
    await b.flush();
    expect(batches.map((x) => x.count)).toEqual([4, 4, 1]);
    expect(countEncoded(batches)).toBe(9);
    // the last batch holds one item more than an empty request: resource, scope and the 3 bytes of item 8
    expect(Buffer.from(batches[2]?.bytes ?? []).subarray(-3)).toEqual(Buffer.from([0x12, 1, 8]));
  });

  it('seals an open batch after scheduledDelayMillis', async () => {
    const batches: EncodedBatch[] = [];
    const b = make({ export: (items, done) => (batches.push(...items), done({ code: 0 })), shutdown: async () => {} });
    b.add(1);
    expect(batches).toHaveLength(0);
    await new Promise((r) => setTimeout(r, opts.scheduledDelayMillis * 3));
    expect(batches.map((x) => x.count)).toEqual([1]);
  });

  it('never holds more than maxQueueSize items while the exporter hangs, and counts the rest as dropped', async () => {
    const before = droppedTotals().logs;
    const b = make({ export: () => {}, shutdown: async () => {} }, 'logs');
    for (let i = 0; i < 100; i++) b.add(i);
    // 4 went out in the hanging export; 8 wait sealed, 2 in the open batch (10 = maxQueueSize); 86 were dropped
    expect(droppedTotals().logs - before).toBe(86);
    await b.flush();
    expect(droppedTotals().logs - before).toBeGreaterThanOrEqual(90);
  });

  it('counts an item that cannot be encoded as dropped and exports the others', async () => {
    const before = droppedTotals().traces;
    const batches: EncodedBatch[] = [];
    const b = make({ export: (items, done) => (batches.push(...items), done({ code: 0 })), shutdown: async () => {} });
    b.add(1);
    b.add(-1);
    b.add(2);
    await b.shutdown();
    expect(droppedTotals().traces - before).toBe(1);
    expect(countEncoded(batches)).toBe(2);
    b.add(3); // after shutdown: ignored, never exported
    await b.flush();
    expect(countEncoded(batches)).toBe(2);
  });
});
