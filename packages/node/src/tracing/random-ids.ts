// Trace and span ids from a pool of cryptographically random bytes: one randomFillSync and one hex conversion per
// 341 root spans; each id is then a substring of the pool's hex text (no per-id native call).
import { randomFillSync } from 'node:crypto';
import type { IdGenerator } from '@opentelemetry/sdk-trace-base';

const POOL_BYTES = 8184; // a multiple of 24 bytes (one trace id and one span id)
const pool = Buffer.allocUnsafe(POOL_BYTES);
let hex = '';
let offset = 0;

const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

function randomHex(chars: number): string {
  if (offset + chars > hex.length) {
    randomFillSync(pool);
    hex = pool.toString('hex');
    offset = 0;
  }
  const id = hex.slice(offset, offset + chars);
  offset += chars;
  return id;
}

export const randomIds: IdGenerator = {
  // An all-zero id is invalid (W3C trace context): the SDK's generator makes its last byte 1, and so do we.
  generateTraceId: () => {
    const id = randomHex(32);
    return id === ZERO_TRACE_ID ? `${ZERO_TRACE_ID.slice(0, 31)}1` : id;
  },
  generateSpanId: () => {
    const id = randomHex(16);
    return id === ZERO_SPAN_ID ? `${ZERO_SPAN_ID.slice(0, 15)}1` : id;
  },
};
