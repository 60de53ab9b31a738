// Attributes and AnyValue (opentelemetry/proto/common/v1/common.proto), written straight from JS values.
//   AnyValue: 1 string_value, 2 bool_value, 3 int_value (int64), 4 double_value, 5 array_value, 6 kvlist_value,
//             7 bytes_value.   KeyValue: 1 key, 2 value.   ArrayValue / KeyValueList: 1 values.
import { ProtoWriter } from './proto-writer.js';

const MIN_INT64 = -(2 ** 63);
const MAX_INT64 = 2 ** 63; // exclusive

/** `KeyValue.key` field bytes (tag, length, UTF-8) per attribute key; keys repeat in every span and log. */
const keyCache = new Map<string, Buffer>();
const KEY_CACHE_LIMIT = 4096;

function keyField(key: string): Buffer {
  let bytes = keyCache.get(key);
  if (bytes === undefined) {
    const utf8 = Buffer.from(key, 'utf8');
    const lenSize = utf8.length < 0x80 ? 1 : utf8.length < 0x4000 ? 2 : 5;
    bytes = Buffer.allocUnsafe(1 + lenSize + utf8.length);
    bytes[0] = 0x0a;
    let v = utf8.length;
    let p = 1;
    while (v > 0x7f) {
      bytes[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    bytes[p++] = v;
    utf8.copy(bytes, p);
    bytes = bytes.subarray(0, p + utf8.length);
    // Keys are a small fixed set in practice; an app generating keys from data must not grow this without bound.
    if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear();
    keyCache.set(key, bytes);
  }
  return bytes;
}

/** The body of an AnyValue message (without its own tag and length). Unsupported values write nothing. */
export function writeAnyValue(w: ProtoWriter, value: unknown): void {
  switch (typeof value) {
    case 'string':
      w.byte(0x0a);
      w.string(value);
      return;
    case 'number':
      if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64) {
        w.byte(0x18);
        w.int64(value);
      } else {
        w.byte(0x21);
        w.double(value);
      }
      return;
    case 'boolean':
      w.byte(0x10);
      w.byte(value ? 1 : 0);
      return;
    case 'object':
      if (value === null) return;
      if (value instanceof Uint8Array) {
        w.byte(0x3a);
        w.bytes(value);
      } else if (Array.isArray(value)) {
        w.byte(0x2a);
        const list = w.begin(2);
        for (let i = 0; i < value.length; i++) {
          w.byte(0x0a);
          const item = w.begin(1);
          writeAnyValue(w, value[i]);
          w.end(item, 1);
        }
        w.end(list, 2);
      } else {
        w.byte(0x32);
        const list = w.begin(2);
        writeKeyValues(w, 0x0a, value as Record<string, unknown>);
        w.end(list, 2);
      }
      return;
    default:
      return;
  }
}

/** Repeated KeyValue under the field whose (one-byte) tag is given, one per own property of `attributes`. */
export function writeKeyValues(w: ProtoWriter, tag: number, attributes: Record<string, unknown>): void {
  // for-in over plain attribute objects: no key array allocated per span (their prototype has no enumerable keys).
  for (const key in attributes) {
    const v = attributes[key];
    const kf = keyField(key);
    if (typeof v === 'string' && w.asciiKeyValue(tag, kf, v)) continue;
    w.byte(tag);
    const kv = w.begin(1);
    w.raw(kf);
    w.byte(0x12);
    const value = w.begin(1);
    writeAnyValue(w, v);
    w.end(value, 1);
    w.end(kv, 1);
  }
}

const scratch = new ProtoWriter(1024);

/** The repeated KeyValue fields of `attributes` as bytes of their own (for attributes many messages share). */
export function encodeKeyValues(tag: number, attributes: Readonly<Record<string, unknown>>): Uint8Array {
  scratch.reset();
  writeKeyValues(scratch, tag, attributes);
  return Uint8Array.prototype.slice.call(scratch.buf, 0, scratch.pos);
}
