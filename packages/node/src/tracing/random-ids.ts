// Trace and span ids from a pool of cryptographically random bytes: one randomFillSync and one hex conversion per
// 341 root spans; each id is then a substring of the pool's hex text (no per-id native call).
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';
import { rememberId } from '../id-bytes.js';

const POOL_BYTES = 8184; // a multiple of 24 bytes (one trace id and one span id)
const pool = Buffer.allocUnsafe(POOL_BYTES);
let hex = '';
/** Next unused byte of the pool (its hex text starts at twice this). */
let offset = POOL_BYTES; // empty: the first id fills it

function allZero(bytes: Uint8Array, start: number, length: number): boolean {
  let any = 0;
  for (let i = start; i < start + length; i++) any |= bytes[i] as number;
  return any === 0;
}

/**
 * The id of `length` bytes at `start` of `bytes`, as the hex `text` of those bytes spells it. An all-zero id is
 * invalid (W3C trace context): its last byte becomes 1, as the SDK's generator does. Zero is checked on the bytes:
 * comparing the id text with a string of zeros took a runtime call per id.
 */
export function idAt(bytes: Uint8Array, text: string, start: number, length: number): string {
  return allZero(bytes, start, length) ? `${'0'.repeat(length * 2 - 1)}1` : text.slice(start * 2, (start + length) * 2);
}

function randomId(length: 8 | 16): string {
  if (offset + length > POOL_BYTES) {
    randomFillSync(pool);
    hex = pool.toString('hex');
    offset = 0;
  }
  const at = offset;
  offset += length;
  if (allZero(pool, at, length)) return idAt(pool, hex, at, length);
  const id = hex.slice(at * 2, (at + length) * 2);
  rememberId(id, pool, at, length);
  return id;
}

export const randomIds: IdGenerator = {
  generateTraceId: () => randomId(16),
  generateSpanId: () => randomId(8),
};
