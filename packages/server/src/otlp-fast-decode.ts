import { SightlineError } from './errors.js';
import type { AnyValue, KeyValue, LogMsg, LogsRequest, Scope, SpanMsg, TracesRequest } from './otlp-proto.js';
import { type AttrMap, anyValueToJson, type JsonValue } from './otlp-values.js';

/**
 * Hand-written protobuf decoder for the hot path (ExportTraceServiceRequest, ExportLogsServiceRequest). It yields the
 * same message shapes as protobufjs (so span-rows/log-rows are shared) but decodes strings natively, reads fixed64 as
 * bigint instead of allocating Long objects, and checks every length against its enclosing message. Unknown fields
 * are skipped; a known field with the wrong wire type, a truncated field or a length past its message is rejected.
 * bench/server measures it against protobufjs; test/fast-decode.test.ts checks both agree on random valid messages.
 */
const decodeError = (msg: string) =>
  new SightlineError('SIGHTLINE_ERR_OTLP_DECODE', `body is not a valid OTLP protobuf message: ${msg}`);

const EMPTY = Buffer.alloc(0);

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(end: number): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (this.pos >= end) throw decodeError('truncated varint');
      const b = this.buf[this.pos++]!;
      if (shift < 28) result |= (b & 0x7f) << shift;
      else if (shift < 53) result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return shift < 28 ? result >>> 0 : result;
      shift += 7;
      if (shift > 63) throw decodeError('varint longer than 10 bytes');
    }
  }

  /** int64 varint → number when exactly representable, else signed bigint. */
  int64(end: number): number | bigint {
    const start = this.pos;
    const n = this.varint(end);
    if (this.pos - start <= 7) return n; // < 2^49: exact and non-negative
    let big = 0n;
    for (let i = this.pos - 1; i >= start; i--) big = (big << 7n) | BigInt(this.buf[i]! & 0x7f);
    return BigInt.asIntN(64, big);
  }

  fixed64(end: number): bigint {
    if (this.pos + 8 > end) throw decodeError('truncated fixed64');
    const v = this.buf.readBigUInt64LE(this.pos);
    this.pos += 8;
    return v;
  }

  fixed32(end: number): number {
    if (this.pos + 4 > end) throw decodeError('truncated fixed32');
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  double(end: number): number {
    if (this.pos + 8 > end) throw decodeError('truncated double');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** Length of a length-delimited field; returns its end offset. */
  len(end: number): number {
    const n = this.varint(end);
    const e = this.pos + n;
    if (e > end) throw decodeError(`length ${n} at offset ${this.pos} runs past its message`);
    return e;
  }

  string(end: number): string {
    const e = this.len(end);
    const s = this.buf.toString('utf8', this.pos, e);
    this.pos = e;
    return s;
  }

  bytes(end: number): Buffer {
    const e = this.len(end);
    const b = this.buf.subarray(this.pos, e);
    this.pos = e;
    return b;
  }

  skip(wire: number, end: number): void {
    if (wire === 0) this.varint(end);
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) this.pos = this.len(end);
    else if (wire === 5) this.pos += 4;
    else throw decodeError(`unsupported wire type ${wire}`);
    if (this.pos > end) throw decodeError('truncated field');
  }
}

// Expected wire type per (message, field): 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32.
function expect(wire: number, want: number, field: number): void {
  if (wire !== want) throw decodeError(`field ${field} has wire type ${wire}, expected ${want}`);
}

type Fields = (r: Reader, field: number, wire: number, end: number) => void;
function message(r: Reader, end: number, fields: Fields): void {
  while (r.pos < end) {
    const tag = r.varint(end);
    const field = tag >>> 3;
    if (field === 0) throw decodeError('field number 0');
    fields(r, field, tag & 7, end);
  }
}

function anyValue(r: Reader, end: number, depth: number): AnyValue {
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

function keyValue(r: Reader, end: number, depth: number): KeyValue {
  const kv: KeyValue = { key: '', value: null };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), (kv.key = r.string(end));
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
function keyValues(r: Reader, end: number, field: number, depth: number): KeyValue[] {
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
function attrInto(r: Reader, end: number, out: AttrMap): void {
  let key = '';
  let value: JsonValue = null;
  message(r, end, (r, f, w, end) => {
    if (f === 1) {
      expect(w, 2, f);
      key = r.string(end);
    } else if (f === 2) {
      expect(w, 2, f);
      const e = r.len(end);
      value = scalarOrAny(r, e);
      r.pos = e;
    } else r.skip(w, end);
  });
  out[key] = value;
}

function scalarOrAny(r: Reader, end: number): JsonValue {
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

function attrsField(r: Reader, end: number, out: AttrMap): void {
  const e = r.len(end);
  attrInto(r, e, out);
  r.pos = e;
}

/** Decodes a sub-message at the current position with `fn` (which must consume up to the end it is given). */
function sub<T>(r: Reader, end: number, fn: (r: Reader, e: number) => T): T {
  const e = r.len(end);
  const v = fn(r, e);
  r.pos = e;
  return v;
}

function resource(r: Reader, end: number) {
  const attributes: AttrMap = {};
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), attrsField(r, end, attributes);
    else r.skip(w, end);
  });
  return { attributes };
}

function scope(r: Reader, end: number): Scope {
  const s: Scope = { name: '', version: '', attributes: [] };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), (s.name = r.string(end));
    else if (f === 2) expect(w, 2, f), (s.version = r.string(end));
    else if (f === 3) expect(w, 2, f), s.attributes!.push(sub(r, end, (r, e) => keyValue(r, e, 0)));
    else r.skip(w, end);
  });
  return s;
}

function span(r: Reader, end: number): SpanMsg {
  const s: SpanMsg = {
    traceId: EMPTY,
    spanId: EMPTY,
    traceState: '',
    parentSpanId: EMPTY,
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {} as AttrMap,
    events: [],
    links: [],
    status: null,
  };
  message(r, end, (r, f, w, end) => {
    switch (f) {
      case 1:
        expect(w, 2, f);
        s.traceId = r.bytes(end);
        break;
      case 2:
        expect(w, 2, f);
        s.spanId = r.bytes(end);
        break;
      case 3:
        expect(w, 2, f);
        s.traceState = r.string(end);
        break;
      case 4:
        expect(w, 2, f);
        s.parentSpanId = r.bytes(end);
        break;
      case 16:
        expect(w, 5, f);
        s.flags = r.fixed32(end);
        break;
      case 5:
        expect(w, 2, f);
        s.name = r.string(end);
        break;
      case 6:
        expect(w, 0, f);
        s.kind = r.varint(end) | 0;
        break;
      case 7:
        expect(w, 1, f);
        s.startTimeUnixNano = r.fixed64(end);
        break;
      case 8:
        expect(w, 1, f);
        s.endTimeUnixNano = r.fixed64(end);
        break;
      case 9:
        expect(w, 2, f);
        attrsField(r, end, s.attributes as AttrMap);
        break;
      case 11:
        expect(w, 2, f);
        s.events!.push(sub(r, end, event));
        break;
      case 13:
        expect(w, 2, f);
        s.links!.push(sub(r, end, link));
        break;
      case 15:
        expect(w, 2, f);
        s.status = sub(r, end, status);
        break;
      default:
        r.skip(w, end);
    }
  });
  return s;
}

function event(r: Reader, end: number) {
  const e = { timeUnixNano: 0n as bigint, name: '', attributes: {} as AttrMap };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 1, f), (e.timeUnixNano = r.fixed64(end));
    else if (f === 2) expect(w, 2, f), (e.name = r.string(end));
    else if (f === 3) expect(w, 2, f), attrsField(r, end, e.attributes);
    else r.skip(w, end);
  });
  return e;
}

function link(r: Reader, end: number) {
  const l = {
    traceId: EMPTY as Uint8Array,
    spanId: EMPTY as Uint8Array,
    traceState: '',
    attributes: {} as AttrMap,
    flags: 0,
  };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), (l.traceId = r.bytes(end));
    else if (f === 2) expect(w, 2, f), (l.spanId = r.bytes(end));
    else if (f === 3) expect(w, 2, f), (l.traceState = r.string(end));
    else if (f === 4) expect(w, 2, f), attrsField(r, end, l.attributes);
    else if (f === 6) expect(w, 5, f), (l.flags = r.fixed32(end));
    else r.skip(w, end);
  });
  return l;
}

function status(r: Reader, end: number) {
  const s = { message: '', code: 0 };
  message(r, end, (r, f, w, end) => {
    if (f === 2) expect(w, 2, f), (s.message = r.string(end));
    else if (f === 3) expect(w, 0, f), (s.code = r.varint(end) | 0);
    else r.skip(w, end);
  });
  return s;
}

function logRecord(r: Reader, end: number): LogMsg {
  const l: LogMsg = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {} as AttrMap,
    flags: 0,
    traceId: EMPTY,
    spanId: EMPTY,
    eventName: '',
  };
  message(r, end, (r, f, w, end) => {
    switch (f) {
      case 1:
        expect(w, 1, f);
        l.timeUnixNano = r.fixed64(end);
        break;
      case 11:
        expect(w, 1, f);
        l.observedTimeUnixNano = r.fixed64(end);
        break;
      case 2:
        expect(w, 0, f);
        l.severityNumber = r.varint(end) | 0;
        break;
      case 3:
        expect(w, 2, f);
        l.severityText = r.string(end);
        break;
      case 5:
        expect(w, 2, f);
        l.body = sub(r, end, (r, e) => anyValue(r, e, 0));
        break;
      case 6:
        expect(w, 2, f);
        attrsField(r, end, l.attributes as AttrMap);
        break;
      case 8:
        expect(w, 5, f);
        l.flags = r.fixed32(end);
        break;
      case 9:
        expect(w, 2, f);
        l.traceId = r.bytes(end);
        break;
      case 10:
        expect(w, 2, f);
        l.spanId = r.bytes(end);
        break;
      case 12:
        expect(w, 2, f);
        l.eventName = r.string(end);
        break;
      default:
        r.skip(w, end);
    }
  });
  return l;
}

/** Generic ResourceX → ScopeX → items walker shared by traces and logs. */
function resourceList<T>(r: Reader, end: number, itemField: number, item: (r: Reader, e: number) => T) {
  const out: { resource: { attributes: AttrMap } | null; scopes: { scope: Scope | null; items: T[] }[] }[] = [];
  message(r, end, (r, f, w, end) => {
    if (f !== 1) return r.skip(w, end);
    expect(w, 2, f);
    const rs = {
      resource: null as { attributes: AttrMap } | null,
      scopes: [] as { scope: Scope | null; items: T[] }[],
    };
    sub(r, end, (r, e) =>
      message(r, e, (r, f2, w2, e2) => {
        if (f2 === 1) expect(w2, 2, f2), (rs.resource = sub(r, e2, resource));
        else if (f2 === 2) {
          expect(w2, 2, f2);
          const ss = { scope: null as Scope | null, items: [] as T[] };
          sub(r, e2, (r, e3) =>
            message(r, e3, (r, f3, w3, e4) => {
              if (f3 === 1) expect(w3, 2, f3), (ss.scope = sub(r, e4, scope));
              else if (f3 === itemField) expect(w3, 2, f3), ss.items.push(sub(r, e4, item));
              else r.skip(w3, e4);
            }),
          );
          rs.scopes.push(ss);
        } else r.skip(w2, e2);
      }),
    );
    out.push(rs);
  });
  return out;
}

export function fastDecodeTraces(body: Buffer): TracesRequest {
  const r = new Reader(body);
  const list = resourceList(r, body.length, 2, span);
  return {
    resourceSpans: list.map((rs) => ({
      resource: rs.resource,
      scopeSpans: rs.scopes.map((s) => ({ scope: s.scope, spans: s.items })),
    })),
  };
}

export function fastDecodeLogs(body: Buffer): LogsRequest {
  const r = new Reader(body);
  const list = resourceList(r, body.length, 2, logRecord);
  return {
    resourceLogs: list.map((rl) => ({
      resource: rl.resource,
      scopeLogs: rl.scopes.map((s) => ({ scope: s.scope, logRecords: s.items })),
    })),
  };
}
