import type { Signal } from './otlp-proto.js';

/** What one upstream attempt came to. `retry` may carry the delay the upstream asked for. */
export type SendOutcome =
  | { kind: 'sent' }
  | { kind: 'retry'; reason: string; afterMs?: number }
  | { kind: 'refused'; reason: string };

/** One way of delivering an already-encoded OTLP protobuf request upstream (OTLP/HTTP or OTLP/gRPC). */
export interface ForwardTransport {
  send(signal: Signal, body: Uint8Array): Promise<SendOutcome>;
  close(): void;
}

/** `Retry-After: 3` or an HTTP date → ms; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, nowMs = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const t = Date.parse(header);
  return Number.isNaN(t) ? undefined : Math.max(0, t - nowMs);
}
