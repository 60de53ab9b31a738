import { SightlineError } from './errors.js';
import type { AnyValue, Int64, KeyValue } from './otlp-proto.js';

/** Plain JSON value of an OTLP AnyValue (int64 → number when safe, else decimal string; bytes → base64). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };

/** Unsigned 64-bit (fixed64 timestamps, counts) → bigint. */
export function u64(v: Int64): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isFinite(v) && v > 0 ? BigInt(Math.trunc(v)) : 0n;
  if (typeof v === 'string') return /^\d+$/.test(v) ? BigInt(v) : 0n;
  return (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
}

const MAX_NS = (1n << 63n) - 1n;

/** A fixed64 timestamp in ns that must fit DuckDB's BIGINT (before year 2262); otherwise the request is rejected. */
export function timeNs(v: Int64, path: string): bigint {
  const ns = u64(v);
  if (ns > MAX_NS) {
    throw new SightlineError(
      'SIGHTLINE_ERR_OTLP_INVALID_TIME',
      `${path} ${ns} is beyond year 2262; timestamps are ns since the epoch`,
    );
  }
  return ns;
}

/** Any 64-bit integer → JS number (precision loss above 2^53 is acceptable for counts and metric values). */
export function num64(v: Int64, signed = false): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v);
  return (signed ? v.high : v.high >>> 0) * 4294967296 + (v.low >>> 0);
}

function signedJson(v: Int64): number | string {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return 0;
  const big = typeof v === 'bigint' ? v : BigInt.asIntN(64, u64(v));
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(big)
    : big.toString();
}

export function anyValueToJson(v: AnyValue | null | undefined, depth = 0): JsonValue {
  if (!v || depth > 32) return null;
  switch (v.value) {
    case 'stringValue':
      return v.stringValue ?? '';
    case 'boolValue':
      return v.boolValue ?? false;
    case 'intValue':
      return signedJson(v.intValue);
    case 'doubleValue': {
      const d = v.doubleValue ?? 0;
      return Number.isFinite(d) ? d : String(d);
    }
    case 'arrayValue':
      return (v.arrayValue?.values ?? []).map((x) => anyValueToJson(x, depth + 1));
    case 'kvlistValue':
      return kvToObject(v.kvlistValue?.values, depth + 1);
    case 'bytesValue':
      return Buffer.from(v.bytesValue ?? []).toString('base64');
    default:
      return null;
  }
}

/** Attributes as the fast decoder yields them: already converted, in wire order (last duplicate wins). */
export type AttrMap = { [k: string]: JsonValue };

export function kvToObject(kvs: KeyValue[] | { [k: string]: unknown } | undefined, depth = 0): AttrMap {
  if (kvs && !Array.isArray(kvs)) return kvs as AttrMap;
  const out: AttrMap = {};
  if (!kvs) return out;
  for (const kv of kvs) out[kv.key] = anyValueToJson(kv.value, depth);
  return out;
}

/** Plain JSON value → OTLP/JSON AnyValue (integers as intValue strings, other numbers as doubleValue). */
export function jsonToAnyValue(v: unknown): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map(jsonToAnyValue) } };
  if (v && typeof v === 'object') return { kvlistValue: { values: objectToKv(v as Record<string, unknown>) } };
  return {};
}

export function objectToKv(obj: Record<string, unknown>): { key: string; value: Record<string, unknown> }[] {
  return Object.entries(obj).map(([key, value]) => ({ key, value: jsonToAnyValue(value) }));
}

const asBuffer = (b: Uint8Array) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.length));

const isAllZero = (b: Uint8Array) => {
  for (let i = 0; i < b.length; i++) if (b[i] !== 0) return false;
  return true;
};

/**
 * Validates an id and returns it as lowercase hex. `required` ids must be present; optional ids may be empty.
 * Wrong length or all zeros → SIGHTLINE_ERR_OTLP_INVALID_ID naming the field.
 */
export function idHex(b: Uint8Array | undefined | null, size: 8 | 16, path: string, required: boolean): string {
  if (!b || b.length === 0) {
    if (!required) return '';
    throw new SightlineError(
      'SIGHTLINE_ERR_OTLP_INVALID_ID',
      `${path} is missing; it must be ${size} bytes (${size * 2} hex chars)`,
    );
  }
  if (b.length !== size) {
    throw new SightlineError(
      'SIGHTLINE_ERR_OTLP_INVALID_ID',
      `${path} is ${b.length} bytes; it must be ${size} bytes (${size * 2} hex chars)`,
    );
  }
  if (isAllZero(b)) {
    throw new SightlineError('SIGHTLINE_ERR_OTLP_INVALID_ID', `${path} is all zeros, which OTLP defines as invalid`);
  }
  return asBuffer(b).toString('hex');
}

export function serviceOf(resourceAttrs: Record<string, JsonValue>): string {
  const s = resourceAttrs['service.name'];
  return typeof s === 'string' && s !== '' ? s : 'unknown_service';
}
