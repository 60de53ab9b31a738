import { grpcTransport } from './forward-grpc.js';
import { httpTransport } from './forward-http.js';
import type { ForwardTarget } from './forward-target.js';
import type { ForwardTransport, SendOutcome } from './forward-transport.js';
import type { Signal } from './otlp-proto.js';

interface Item {
  signal: Signal;
  body: Uint8Array;
  attempts: number;
  firstTryMs: number;
}

export interface ForwarderStats {
  /** Batches the upstream accepted. */
  sent: number;
  /** Batches given up: queue full (oldest first), refused by the upstream, or still failing after `maxRetryMs`. */
  dropped: number;
  /** Failed attempts that were retried. */
  retried: number;
  /** Batches waiting (including the one in flight) and their bytes. */
  queued: number;
  queuedBytes: number;
}

export interface ForwarderOptions {
  /** Batches held at most; the oldest waiting one is dropped (counted) when a new one arrives. Default 1,000. */
  maxQueue?: number;
  /** Bytes held at most, same rule. Default 64 MiB. */
  maxQueueBytes?: number;
  /** A batch still failing this long after its first attempt is dropped. Default 5 min. */
  maxRetryMs?: number;
  /** Backoff: 250 ms doubling per attempt up to this, unless the upstream asks for longer. Default 5 s. */
  maxBackoffMs?: number;
  /** At most one warning per this interval; the next one says how many were held back. Default 60 s. */
  warnIntervalMs?: number;
  onWarning?: (message: string) => void;
}

/**
 * Tees accepted batches to the `--forward` upstream (OTLP/gRPC or OTLP/HTTP, see forward-target.ts) as the protobuf
 * bytes that were received. One request in flight, in commit order; a bounded queue; exponential backoff on
 * retryable failures. enqueue() never blocks and never throws: local ingest does not depend on the upstream.
 */
export class Forwarder {
  private readonly queue: Item[] = [];
  private inFlight: Item | undefined;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly transport: ForwardTransport;
  private lastWarnMs = Number.NEGATIVE_INFINITY;
  private heldBack = 0;
  readonly stats: ForwarderStats = { sent: 0, dropped: 0, retried: 0, queued: 0, queuedBytes: 0 };

  constructor(
    private readonly target: ForwardTarget,
    private readonly options: ForwarderOptions = {},
  ) {
    this.transport = target.protocol === 'grpc' ? grpcTransport(target) : httpTransport(target);
  }

  enqueue(signal: Signal, body: Uint8Array): void {
    if (this.stopped) return;
    const maxQueue = this.options.maxQueue ?? 1000;
    const maxBytes = this.options.maxQueueBytes ?? 64 * 1024 * 1024;
    this.queue.push({ signal, body, attempts: 0, firstTryMs: 0 });
    this.stats.queuedBytes += body.byteLength;
    let dropped = 0;
    // Drop the oldest batches that are not in flight until both bounds hold (a lone oversized batch is still tried).
    while (this.queue.length > maxQueue || this.stats.queuedBytes > maxBytes) {
      const victim = this.queue[0] === this.inFlight ? 1 : 0;
      if (victim >= this.queue.length - 1) break; // only the in-flight batch and the new one are left
      this.remove(this.queue[victim]!);
      dropped++;
    }
    if (dropped > 0) {
      this.stats.dropped += dropped;
      this.warn(
        `forward queue full (upstream ${this.target.display} too slow or down): dropped the oldest ${dropped} batch(es)`,
      );
    }
    this.stats.queued = this.queue.length;
    this.pump();
  }

  private pump(): void {
    if (this.inFlight || this.stopped || this.timer || this.queue.length === 0) return;
    const item = this.queue[0]!;
    this.inFlight = item;
    if (item.attempts === 0) item.firstTryMs = Date.now();
    this.transport.send(item.signal, item.body).then(
      (outcome) => this.settle(item, outcome),
      (e: Error) => this.settle(item, { kind: 'retry', reason: e.message }),
    );
  }

  private remove(item: Item): void {
    const i = this.queue.indexOf(item);
    if (i >= 0) {
      this.queue.splice(i, 1);
      this.stats.queuedBytes -= item.body.byteLength;
    }
  }

  private settle(item: Item, outcome: SendOutcome): void {
    this.inFlight = undefined;
    if (outcome.kind === 'sent') {
      this.remove(item);
      this.stats.sent++;
    } else if (outcome.kind === 'refused') {
      this.remove(item);
      this.stats.dropped++;
      this.warn(`forward: ${outcome.reason}; the batch was dropped (${this.stats.dropped} dropped so far)`);
    } else {
      item.attempts++;
      const maxRetryMs = this.options.maxRetryMs ?? 300_000;
      if (Date.now() - item.firstTryMs >= maxRetryMs) {
        this.remove(item);
        this.stats.dropped++;
        this.warn(
          `forward: ${outcome.reason}; gave up on a batch after ${item.attempts} attempts (${this.stats.dropped} dropped so far)`,
        );
      } else {
        this.stats.retried++;
        this.warn(`forward: ${outcome.reason}; retrying with backoff (local ingest is not affected)`);
        const backoff = Math.min(this.options.maxBackoffMs ?? 5000, 250 * 2 ** (item.attempts - 1));
        const delay = Math.min(30_000, Math.max(backoff, outcome.afterMs ?? 0));
        this.timer = setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, delay);
        this.timer.unref();
      }
    }
    this.stats.queued = this.queue.length;
    this.pump();
  }

  /** One warning per interval at most; the next one counts those held back in between. */
  private warn(message: string): void {
    const now = Date.now();
    if (now - this.lastWarnMs < (this.options.warnIntervalMs ?? 60_000)) {
      this.heldBack++;
      return;
    }
    const more = this.heldBack > 0 ? ` (+${this.heldBack} similar warning(s) held back)` : '';
    this.lastWarnMs = now;
    this.heldBack = 0;
    this.options.onWarning?.(`${message}${more}`);
  }

  /** Waits up to `timeoutMs` for the queue to drain (not for a pending backoff), then stops. */
  async close(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.queue.length > 0 && Date.now() < deadline && !this.timer) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.transport.close();
  }
}
