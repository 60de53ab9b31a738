// Sending one request with bounded retries: transient failures (collector restarting, overloaded, a dropped
// connection) are retried with exponential backoff and jitter, or after the delay the collector asked for, but never
// past the export timeout. Backoff timers are unref'd: a pending retry never keeps the process alive.

/** A failed attempt: `code` is a SIGHTLINE_ERR_* code, `retryable` says whether another attempt may succeed. */
export class ExportError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(code: string, message: string, retryable: boolean, retryAfterMs?: number) {
    super(`${code}: ${message}`);
    this.name = 'ExportError';
    this.code = code;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

/** Sends `body` once within `timeoutMs`; resolves with the response body, rejects with an ExportError. */
export type Attempt = (body: Uint8Array, timeoutMs: number) => Promise<Uint8Array>;

export interface RetryPolicy {
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, initialBackoffMs: 200, maxBackoffMs: 5000 };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function asExportError(err: unknown): ExportError {
  if (err instanceof ExportError) return err;
  return new ExportError('SIGHTLINE_ERR_SDK_EXPORT', (err as Error)?.message ?? String(err), false);
}

/** Attempts until success, a permanent failure, `maxAttempts`, or the time budget runs out. */
export async function sendWithRetry(
  attempt: Attempt,
  body: Uint8Array,
  timeoutMillis: number,
  policy: RetryPolicy = DEFAULT_RETRY,
): Promise<Uint8Array> {
  const deadline = Date.now() + timeoutMillis;
  let backoff = policy.initialBackoffMs;
  for (let n = 1; ; n++) {
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new ExportError('SIGHTLINE_ERR_SDK_EXPORT_TIMEOUT', `no answer within ${timeoutMillis} ms`, false);
    }
    try {
      return await attempt(body, remaining);
    } catch (err) {
      const e = asExportError(err);
      if (!e.retryable) throw e;
      if (n >= policy.maxAttempts) {
        throw new ExportError(e.code, `${e.message.replace(`${e.code}: `, '')} (gave up after ${n} attempts)`, false);
      }
      // Full jitter on the upper half of the window keeps many processes from retrying in lockstep.
      const delay = e.retryAfterMs ?? Math.round(backoff * (0.5 + Math.random() * 0.5));
      backoff = Math.min(backoff * 2, policy.maxBackoffMs);
      if (Date.now() + delay >= deadline) {
        throw new ExportError(
          e.code,
          `${e.message.replace(`${e.code}: `, '')} (next retry in ${delay} ms would pass the ${timeoutMillis} ms export timeout)`,
          false,
        );
      }
      await sleep(delay);
    }
  }
}
