import type { Signal } from './otlp-proto.js';

interface Item {
  signal: Signal;
  body: Uint8Array;
  attempts: number;
}

export interface ForwarderStats {
  sent: number;
  dropped: number;
  retried: number;
  queued: number;
}

/**
 * Tees accepted batches to an upstream OTLP/HTTP endpoint (`--forward`), as application/x-protobuf POSTs to
 * `<url>/v1/{traces,logs,metrics}`. Bounded queue (drops the oldest when full, counted), one request in flight,
 * retries with exponential backoff on network errors, 429 and 502/503/504. Never blocks or fails local ingest.
 */
export class Forwarder {
  private readonly queue: Item[] = [];
  private sending = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  readonly stats: ForwarderStats = { sent: 0, dropped: 0, retried: 0, queued: 0 };

  constructor(
    private readonly baseUrl: string,
    private readonly options: {
      maxQueue?: number;
      maxAttempts?: number;
      headers?: Record<string, string>;
      onWarning?: (m: string) => void;
    } = {},
  ) {}

  enqueue(signal: Signal, body: Uint8Array): void {
    if (this.stopped) return;
    if (this.queue.length >= (this.options.maxQueue ?? 1000)) {
      this.queue.shift();
      this.stats.dropped++;
    }
    this.queue.push({ signal, body, attempts: 0 });
    this.stats.queued = this.queue.length;
    this.pump();
  }

  private pump(): void {
    if (this.sending || this.stopped || this.timer || this.queue.length === 0) return;
    const item = this.queue[0]!;
    this.sending = true;
    this.send(item).then(
      (outcome) => this.settle(item, outcome),
      () => this.settle(item, 'retry'),
    );
  }

  private async send(item: Item): Promise<'sent' | 'retry' | 'refused'> {
    const res = await fetch(`${this.baseUrl}/v1/${item.signal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', ...this.options.headers },
      body: item.body,
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return 'sent';
    if (res.status === 429 || res.status === 502 || res.status === 503 || res.status === 504) return 'retry';
    // Any other status means the upstream refuses this batch for good: drop it.
    this.options.onWarning?.(`forward: ${this.baseUrl}/v1/${item.signal} answered ${res.status}; batch dropped`);
    return 'refused';
  }

  private settle(item: Item, outcome: 'sent' | 'retry' | 'refused'): void {
    this.sending = false;
    if (outcome !== 'retry') {
      if (this.queue[0] === item) this.queue.shift();
      if (outcome === 'sent') this.stats.sent++;
      else this.stats.dropped++;
    } else {
      item.attempts++;
      this.stats.retried++;
      if (item.attempts >= (this.options.maxAttempts ?? 6)) {
        if (this.queue[0] === item) this.queue.shift();
        this.stats.dropped++;
      } else {
        const delay = Math.min(30_000, 250 * 2 ** item.attempts);
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

  /** Waits up to `timeoutMs` for the queue to drain, then stops. */
  async close(timeoutMs = 2000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.queue.length > 0 || this.sending) && Date.now() < deadline && !this.timer) {
      await new Promise((r) => setTimeout(r, 20));
    }
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
