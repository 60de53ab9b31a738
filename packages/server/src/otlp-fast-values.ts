import type { AnyValue, KeyValue } from './otlp-proto.js';
import { type AttrMap, anyValueToJson, type JsonValue } from './otlp-values.js';
import { decodeError, expect, message, type Reader } from './protobuf-reader.js';

/** AnyValue / KeyValue readers of the hand-written OTLP decoder (see otlp-fast-decode.ts). */
export function anyValue(r: Reader, end: number, depth: number): AnyValue {
  const v: AnyValue = {};
  if (depth > 64) throw decodeError('AnyValue nested deeper than 64 levels');
  message(r, end, (r, f, w, end) => {
    switch (f) {
      case 1:
        expect(w, 2, f);
        v.value = 'stringValue';
        v.stringValue = r.string(end);
        break;
      case 2:
        expect(w, 0, f);
        v.value = 'boolValue';
        v.boolValue = r.varint(end) !== 0;
        break;
      case 3:
        expect(w, 0, f);
        v.value = 'intValue';
        v.intValue = r.int64(end);
        break;
      case 4:
        expect(w, 1, f);
        v.value = 'doubleValue';
        v.doubleValue = r.double(end);
        break;
      case 5: {
        expect(w, 2, f);
        const e = r.len(end);
        const values: AnyValue[] = [];
        message(r, e, (r, f2, w2, e2) => {
          if (f2 === 1) {
            expect(w2, 2, f2);
            const e3 = r.len(e2);
            values.push(anyValue(r, e3, depth + 1));
            r.pos = e3;
          } else r.skip(w2, e2);
        });
        v.value = 'arrayValue';
        v.arrayValue = { values };
        break;
      }
      case 6: {
        expect(w, 2, f);
        const e = r.len(end);
        v.value = 'kvlistValue';
        v.kvlistValue = { values: keyValues(r, e, 1, depth + 1) };
        break;
      }
      case 7:
        expect(w, 2, f);
        v.value = 'bytesValue';
        v.bytesValue = r.bytes(end);
        break;
      default:
        r.skip(w, end);
    }
  });
  return v;
}

export function keyValue(r: Reader, end: number, depth: number): KeyValue {
  const kv: KeyValue = { key: '', value: null };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), (kv.key = r.cachedString(end));
    else if (f === 2) {
      expect(w, 2, f);
      const e = r.len(end);
      kv.value = anyValue(r, e, depth);
      r.pos = e;
    } else r.skip(w, end);
  });
  return kv;
}

/** Reads the KeyValue list of a message whose repeated KeyValue field is `field`, until `end`. */
export function keyValues(r: Reader, end: number, field: number, depth: number): KeyValue[] {
  const out: KeyValue[] = [];
  message(r, end, (r, f, w, end) => {
    if (f === field) {
      expect(w, 2, f);
      const e = r.len(end);
      out.push(keyValue(r, e, depth));
      r.pos = e;
    } else r.skip(w, end);
  });
  return out;
}

/**
 * Reads one KeyValue sub-message straight into `out` (as kvToObject would: out[key] = anyValueToJson(value)); scalar
 * values skip the AnyValue object, anything else goes through anyValue().
 */
export function attrInto(r: Reader, end: number, out: AttrMap): void {
  let key = '';
  let value: JsonValue = null;
  message(r, end, (r, f, w, end) => {
    if (f === 1) {
      expect(w, 2, f);
      key = r.cachedString(end);
    } else if (f === 2) {
      expect(w, 2, f);
      const e = r.len(end);
      value = scalarOrAny(r, e);
      r.pos = e;
    } else r.skip(w, end);
  });
  out[key] = value;
}

export function scalarOrAny(r: Reader, end: number): JsonValue {
  const start = r.pos;
  if (start < end) {
    const tag = r.buf[start]!;
    if (tag === 0x0a) {
      r.pos++;
      const s = r.string(end);
      if (r.pos === end) return s;
    } else if (tag === 0x10 || tag === 0x18) {
      r.pos++;
      const v = tag === 0x10 ? r.varint(end) !== 0 : r.int64(end);
      if (r.pos === end) return typeof v === 'bigint' ? anyValueToJson({ value: 'intValue', intValue: v }) : v;
    } else if (tag === 0x21) {
      r.pos++;
      const d = r.double(end);
      if (r.pos === end) return Number.isFinite(d) ? d : String(d);
    }
  }
  r.pos = start;
  return anyValueToJson(anyValue(r, end, 0));
}

export function attrsField(r: Reader, end: number, out: AttrMap): void {
  const e = r.len(end);
  attrInto(r, e, out);
  r.pos = e;
}
