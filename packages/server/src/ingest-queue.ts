import { EventEmitter } from 'node:events';
import { SightlineError } from './errors.js';
import { batchSize, type LogRow, type PointRow, type RowBatch, type SpanRow } from './rows.js';
import type { Store } from './store.js';
import { writeRows } from './store-writer.js';

/** Quiet time after which the queue leaves ingest mode (DuckDB back to its query threads). */
const IDLE_MS = 1000;

interface Pending {
  batch: RowBatch;
  resolve: () => void;
  reject: (e: Error) => void;
}

/** Raised when more rows wait for commit than the queue bound; receivers answer 429 / RESOURCE_EXHAUSTED. */
export class OverloadedError extends SightlineError {
  readonly retryAfterSeconds = 1;
  constructor(queued: number, max: number) {
    super(
      'SIGHTLINE_ERR_OVERLOADED',
      `ingest queue is full (${queued} rows waiting, bound ${max}); retry after 1s`,
      429,
    );
  }
}

/**
 * Group commit: requests submitted while a commit runs are merged into the next transaction. A submit() promise
 * resolves only after the transaction holding its rows committed, which is when receivers acknowledge.
 * Emits 'logs' (LogRow & {seq}) after each commit for the live tail.
 */
export class IngestQueue extends EventEmitter {
  private pending: Pending[] = [];
  private queuedRows = 0;
  private running: Promise<void> | undefined;
  private closing = false;
  private ingestMode = false;
  private idleTimer: NodeJS.Timeout | undefined;
  committed = { spans: 0, logs: 0, points: 0 };

  constructor(
    private readonly store: Store,
    private readonly maxQueuedRows: number,
  ) {
    super();
  }

  /** Cheap admission check before decoding a request: refuse early while the queue is full or closing. */
  assertAccepting(): void {
    if (this.closing) {
      throw new SightlineError(
        'SIGHTLINE_ERR_SHUTTING_DOWN',
        'server is shutting down; retry against the next instance',
        503,
      );
    }
    if (this.queuedRows >= this.maxQueuedRows) throw new OverloadedError(this.queuedRows, this.maxQueuedRows);
  }

  submit(batch: RowBatch): Promise<void> {
    if (this.closing) {
      return Promise.reject(
        new SightlineError(
          'SIGHTLINE_ERR_SHUTTING_DOWN',
          'server is shutting down; retry against the next instance',
          503,
        ),
      );
    }
    const size = batchSize(batch);
    if (size === 0) return Promise.resolve();
    if (this.queuedRows > 0 && this.queuedRows + size > this.maxQueuedRows) {
      return Promise.reject(new OverloadedError(this.queuedRows, this.maxQueuedRows));
    }
    this.queuedRows += size;
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ batch, resolve, reject });
      this.run(() => this.drain());
    });
  }

  /** Runs one writer task at a time (drains, ingest-mode switches): they all use the store's single connection. */
  private run(task: () => Promise<void>): void {
    if (this.running) return;
    this.running = task().finally(() => {
      this.running = undefined;
      if (this.pending.length > 0) this.run(() => this.drain());
      else this.armIdleTimer();
    });
  }

  /** Leaves ingest mode once no commit ran for IDLE_MS. */
  private armIdleTimer(): void {
    if (!this.ingestMode || this.closing) return;
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.running || !this.ingestMode || this.closing) return;
      this.run(() => this.switchMode(false));
    }, IDLE_MS);
    this.idleTimer.unref();
  }

  private async switchMode(active: boolean): Promise<void> {
    this.ingestMode = active;
    await this.store.setIngestMode(active).catch(() => undefined);
  }

  private async drain(): Promise<void> {
    clearTimeout(this.idleTimer);
    while (this.pending.length > 0) {
      // Requests queued up while the last commit ran: ingest is throughput-bound, so give DuckDB's CPU to it.
      if (!this.ingestMode && this.pending.length > 1) await this.switchMode(true);
      const group = this.pending;
      this.pending = [];
      // One commit per table: a request holds one signal, so a failure in one table never touches the others.
      const parts = new Map<string, Pending[]>();
      for (const p of group) {
        const b = p.batch;
        const key = b.spans.length ? 'spans' : b.logs.length ? 'logs' : 'points';
        const part = parts.get(key);
        if (part) part.push(p);
        else parts.set(key, [p]);
      }
      for (const part of parts.values()) {
        try {
          await this.commit(part);
        } catch {
          // One bad batch must not fail the others it was grouped with: retry each on its own.
          for (const p of part) await this.commit([p]).catch(() => undefined);
        }
      }
    }
  }

  /** Commits a group of batches in one transaction and settles their promises (rejecting them only if alone). */
  private async commit(group: Pending[]): Promise<void> {
    const writer = this.store.writer;
    const spans: SpanRow[] = [];
    const logs: LogRow[] = [];
    const points: PointRow[] = [];
    for (const p of group) {
      for (const s of p.batch.spans) spans.push(s);
      for (const l of p.batch.logs) logs.push(l);
      for (const m of p.batch.points) points.push(m);
    }
    const seq = { ...this.store.seq };
    const rows = spans.length + logs.length + points.length;
    try {
      if (!writer) throw new SightlineError('SIGHTLINE_ERR_STORE_READ_ONLY', 'store is open read-only', 500);
      await writeRows(writer, spans, logs, points, seq);
    } catch (e) {
      if (group.length > 1) throw e;
      this.queuedRows -= rows;
      group[0]!.reject(
        new SightlineError('SIGHTLINE_ERR_STORE_WRITE', `could not commit batch: ${(e as Error).message}`, 503),
      );
      return;
    }
    this.queuedRows -= rows;
    this.store.seq.spans += spans.length;
    this.store.seq.logs += logs.length;
    this.store.seq.points += points.length;
    this.committed.spans += spans.length;
    this.committed.logs += logs.length;
    this.committed.points += points.length;
    for (const p of group) p.resolve();
    if (logs.length > 0 && this.listenerCount('logs') > 0) this.emit('logs', logs, seq.logs);
  }

  /** Stops accepting, waits until every submitted batch is committed. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.idleTimer);
    while (this.running) await this.running;
  }
}
