// Trace and span ids from a pool of cryptographically random bytes: one randomFillSync and one hex conversion per 341
// root spans, then each id is a flat string of its own, copied out of the pool's hex digits. Ids that were slices of
// the pool's 16 KiB hex text (cheaper to make) kept the whole text alive as long as any of them lived; measured under
// load, the texts were promoted to the old generation at about 30 bytes per request (docs/sdk-performance-log.md,
// stop 22).
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const POOL_BYTES = 8184; // a multiple of 24 bytes (one trace id and one span id)
const pool = Buffer.allocUnsafe(POOL_BYTES);
/** The pool's hex digits, two ASCII characters per byte. */
const digits = Buffer.allocUnsafe(POOL_BYTES * 2);
/** Next unused byte of the pool. */
let offset = POOL_BYTES; // empty: the first id fills it

function allZero(bytes: Uint8Array, start: number, length: number): boolean {
  let any = 0;
  for (let i = start; i < start + length; i++) any |= bytes[i] as number;
  return any === 0;
}

/**
 * The id of `length` bytes at `start` of `bytes`, whose hex digits are in `hex` (two per byte). An all-zero id is
 * invalid (W3C trace context): its last byte becomes 1, as the SDK's generator does. Zero is checked on the bytes:
 * comparing the id text with a string of zeros took a runtime call per id.
 */
export function idAt(bytes: Uint8Array, hex: Buffer, start: number, length: number): string {
  return allZero(bytes, start, length)
    ? `${'0'.repeat(length * 2 - 1)}1`
    : hex.toString('latin1', start * 2, (start + length) * 2);
}

function randomId(length: 8 | 16): string {
  if (offset + length > POOL_BYTES) {
    randomFillSync(pool);
    digits.write(pool.toString('hex'), 'latin1');
    offset = 0;
  }
  const at = offset;
  offset += length;
  return idAt(pool, digits, at, length);
}

export const randomIds: IdGenerator = {
  generateTraceId: () => randomId(16),
  generateSpanId: () => randomId(8),
};
