// The batching processor for OTLP protobuf exports (grpc, http/protobuf): each span or log record is encoded the
// moment it is added, and full batches wait as bytes. Encoding a whole batch at export time stalled the event loop
// for about a millisecond per 512 spans (a tail-latency spike for every request waiting behind it), and kept every
// span object alive until then (each young-generation GC copied them). Same contract as BoundedBatcher: at most
// maxQueueSize items held, overflow and failed exports counted as dropped, never a throw into the app.
import type { BatchExporter, BatchOptions } from './batch-processor.js';
import { BoundedBatcher } from './batch-processor.js';
import type { Signal } from './diagnostics.js';
import { recordDropped } from './diagnostics.js';
import type { ProtoBatchBuilder } from './otlp/batch-builder.js';

/** One sealed Export{Trace,Logs}ServiceRequest and how many spans or log records it carries. */
export interface EncodedBatch {
  readonly bytes: Uint8Array;
  readonly count: number;
}

/** Spans or log records in encoded batches. */
export function countEncoded(batches: readonly EncodedBatch[]): number {
  let n = 0;
  for (const b of batches) n += b.count;
  return n;
}

export class EncodingBatcher<T> {
  private readonly sealed: BoundedBatcher<EncodedBatch>;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly builder: ProtoBatchBuilder<T>,
    exporter: BatchExporter<EncodedBatch>,
    private readonly signal: Signal,
    private readonly opts: BatchOptions,
  ) {
    // Sealed batches leave one per export; their weight counts against the same maxQueueSize as the open batch.
    this.sealed = new BoundedBatcher(
      exporter,
      signal,
      { ...opts, maxExportBatchSize: 1, scheduledDelayMillis: 0 },
      (b) => b.count,
    );
  }

  add(item: T): void {
    if (this.stopped) return;
    if (this.builder.count + this.sealed.queued >= this.opts.maxQueueSize) {
      recordDropped(this.signal, 1, `queue full (${this.opts.maxQueueSize})`);
      return;
    }
    try {
      this.builder.add(item);
    } catch (err) {
      recordDropped(this.signal, 1, `encoding failed: ${(err as Error).message}`);
      return;
    }
    if (this.builder.count >= this.opts.maxExportBatchSize) this.seal();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.seal();
      }, this.opts.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  /** Hands the open batch over for export (exported at once unless an export is in flight). */
  private seal(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const count = this.builder.count;
    if (count === 0) return;
    let bytes: Uint8Array;
    try {
      bytes = this.builder.seal();
    } catch (err) {
      recordDropped(this.signal, count, `encoding failed: ${(err as Error).message}`);
      return;
    }
    this.sealed.add({ bytes, count });
  }

  /** Exports everything added before this call. */
  flush(): Promise<void> {
    this.seal();
    return this.sealed.flush();
  }

  async shutdown(): Promise<void> {
    this.seal();
    this.stopped = true;
    await this.sealed.shutdown();
  }
}
