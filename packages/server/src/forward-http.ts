import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { ForwardTarget } from './forward-target.js';
import { type ForwardTransport, retryAfterMs, type SendOutcome } from './forward-transport.js';
import type { Signal } from './otlp-proto.js';

const gzipAsync = promisify(gzip);
const RETRYABLE = new Set([429, 502, 503, 504]);

/** OTLP/HTTP upstream: `POST <base>/v1/<signal>` with the protobuf bytes as received (gzip when configured). */
export function httpTransport(target: ForwardTarget, timeoutMs = 10_000): ForwardTransport {
  const headers: Record<string, string> = {
    ...target.headers,
    'content-type': 'application/x-protobuf',
    ...(target.compression === 'gzip' ? { 'content-encoding': 'gzip' } : {}),
  };
  return {
    async send(signal: Signal, body: Uint8Array): Promise<SendOutcome> {
      const url = `${target.address}/v1/${signal}`;
      let res: Response;
      try {
        res = await fetch(url, {
          method: 'POST',
          headers,
          body: target.compression === 'gzip' ? await gzipAsync(body) : body,
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (e) {
        const cause = (e as { cause?: { code?: string; message?: string } }).cause;
        return {
          kind: 'retry',
          reason: `POST ${url} failed: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
        };
      }
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return { kind: 'sent' };
      if (RETRYABLE.has(res.status)) {
        return {
          kind: 'retry',
          reason: `POST ${url} answered ${res.status}`,
          afterMs: retryAfterMs(res.headers.get('retry-after')),
        };
      }
      const hint =
        res.status === 401 || res.status === 403 ? ' (set its credentials in SIGHTLINE_FORWARD_HEADERS)' : '';
      return { kind: 'refused', reason: `POST ${url} answered ${res.status}${hint}` };
    },
    close() {},
  };
}
