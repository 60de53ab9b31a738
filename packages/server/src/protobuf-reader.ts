import { SightlineError } from './errors.js';

/**
 * A minimal protobuf wire-format reader for the hand-written OTLP decoder (otlp-fast-decode.ts): varints, fixed
 * 32/64-bit fields, length-delimited fields checked against their enclosing message, and skipping unknown fields.
 */
export const decodeError = (msg: string) =>
  new SightlineError('SIGHTLINE_ERR_OTLP_DECODE', `body is not a valid OTLP protobuf message: ${msg}`);

export const EMPTY = Buffer.alloc(0);

// Strings that repeat from request to request (attribute keys, span and scope names, severity texts) are decoded once
// per thread: a slot chosen by a hash of the bytes keeps the bytes and the string; a hit is a byte compare instead of a
// UTF-8 decode, and as an attribute key the cached string is already internalized.
const CACHE_SLOTS = 4096;
const MAX_CACHED_BYTES = 48;
const cachedBytes: (Buffer | undefined)[] = new Array(CACHE_SLOTS);
const cachedStrings: string[] = new Array(CACHE_SLOTS);

export class Reader {
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

  /** A string field that likely repeats across requests (see the cache above); same result as string(). */
  cachedString(end: number): string {
    const e = this.len(end);
    const start = this.pos;
    const n = e - start;
    this.pos = e;
    if (n === 0) return '';
    const buf = this.buf;
    if (n > MAX_CACHED_BYTES) return buf.toString('utf8', start, e);
    let h = 0x811c9dc5 ^ n;
    for (let i = start; i < e; i++) h = Math.imul(h ^ (buf[i] as number), 16777619);
    const slot = (h >>> 0) & (CACHE_SLOTS - 1);
    const hit = cachedBytes[slot];
    if (hit !== undefined && hit.length === n) {
      let i = 0;
      while (i < n && hit[i] === buf[start + i]) i++;
      if (i === n) return cachedStrings[slot] as string;
    }
    const str = buf.toString('utf8', start, e);
    cachedBytes[slot] = Buffer.from(buf.subarray(start, e)); // a copy: request bodies are not kept
    cachedStrings[slot] = str;
    return str;
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
export function expect(wire: number, want: number, field: number): void {
  if (wire !== want) throw decodeError(`field ${field} has wire type ${wire}, expected ${want}`);
}

export type Fields = (r: Reader, field: number, wire: number, end: number) => void;
export function message(r: Reader, end: number, fields: Fields): void {
  while (r.pos < end) {
    const tag = r.varint(end);
    const field = tag >>> 3;
    if (field === 0) throw decodeError('field number 0');
    fields(r, field, tag & 7, end);
  }
}

/** Decodes a sub-message at the current position with `fn` (which must consume up to the end it is given). */
export function sub<T>(r: Reader, end: number, fn: (r: Reader, e: number) => T): T {
  const e = r.len(end);
  const v = fn(r, e);
  r.pos = e;
  return v;
}
