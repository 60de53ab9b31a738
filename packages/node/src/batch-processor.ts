// A bounded batching processor for spans and log records: the queue never grows past maxQueueSize, overflow and
// failed exports are counted as dropped, exports never block the app and never reject into it.
import type { ExportResult } from '@opentelemetry/core';
import type { Signal } from './diagnostics.js';
import { recordDropped } from './diagnostics.js';

export interface BatchExporter<T> {
  export(items: T[], done: (r: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface BatchOptions {
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMillis: number;
  exportTimeoutMillis: number;
}

export const DEFAULT_BATCH: BatchOptions = {
  maxQueueSize: 2048,
  maxExportBatchSize: 512,
  scheduledDelayMillis: 1000,
  exportTimeoutMillis: 30_000,
};

export class BoundedBatcher<T> {
  private queue: T[] = [];
  /** What the queue holds, in items of telemetry (an item may be a pre-encoded batch of many). */
  private queuedWeight = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly exporter: BatchExporter<T>,
    private readonly signal: Signal,
    private readonly opts: BatchOptions = DEFAULT_BATCH,
    /** How many items of telemetry one queued element stands for (default 1). */
    private readonly weight: (item: T) => number = () => 1,
  ) {}

  /** Items of telemetry waiting in the queue (not counting the export in flight). */
  get queued(): number {
    return this.queuedWeight;
  }

  add(item: T): void {
    if (this.stopped) return;
    const weight = this.weight(item);
    if (this.queuedWeight + weight > this.opts.maxQueueSize) {
      recordDropped(this.signal, weight, `queue full (${this.opts.maxQueueSize})`);
      return;
    }
    this.queue.push(item);
    this.queuedWeight += weight;
    if (this.queue.length >= this.opts.maxExportBatchSize) {
      if (!this.inFlight) this.exportNext();
    } else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        if (!this.inFlight) this.exportNext();
      }, this.opts.scheduledDelayMillis);
      this.timer.unref();
    }
  }

  /** Exports one batch; when it settles, continues while a full batch waits (or schedules the rest). */
  private exportNext(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.queue.length === 0) return Promise.resolve();
    const batch = this.queue.splice(0, this.opts.maxExportBatchSize);
    let batchWeight = 0;
    for (const item of batch) batchWeight += this.weight(item);
    this.queuedWeight -= batchWeight;
    let resolveExport!: () => void;
    const current = new Promise<void>((resolve) => {
      resolveExport = resolve;
    });
    // Set before exporting: an exporter may call back synchronously.
    this.inFlight = current;
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(guard);
      if (this.inFlight === current) this.inFlight = undefined;
      resolveExport();
      if (this.queue.length >= this.opts.maxExportBatchSize) void this.exportNext();
      else if (this.queue.length > 0 && !this.timer && !this.stopped) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          if (!this.inFlight) this.exportNext();
        }, this.opts.scheduledDelayMillis);
        this.timer.unref();
      }
    };
    const guard = setTimeout(() => {
      recordDropped(this.signal, batchWeight, `export timed out after ${this.opts.exportTimeoutMillis} ms`);
      finish();
    }, this.opts.exportTimeoutMillis);
    guard.unref();
    try {
      this.exporter.export(batch, () => finish());
    } catch (err) {
      recordDropped(this.signal, batchWeight, `export threw: ${(err as Error).message}`);
      finish();
    }
    return current;
  }

  /** Exports everything queued now (and waits for the export in flight). */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    // Drain: every item queued before this call is handed to the exporter.
    while (this.inFlight || this.queue.length > 0) {
      await (this.inFlight ?? this.exportNext());
    }
  }

  async shutdown(): Promise<void> {
    await this.flush();
    this.stopped = true;
    await this.exporter.shutdown().catch(() => undefined);
  }
}
