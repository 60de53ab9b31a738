// A growable protobuf writer for the OTLP encoders. One instance is reused across batches (the encoders copy the
// finished bytes out), so steady-state encoding allocates nothing but the result. Nested messages reserve the
// number of length bytes their caller expects and are back-patched when the guess was wrong, which keeps the
// encoding canonical (minimal varints) without a separate size pass.

const TWO_32 = 4294967296;
/** The largest buffer a writer keeps for its next message (it still grows past this when a message needs it). */
export const MAX_KEPT_BYTES = 4 * 1024 * 1024;

/** Nibble value of each ASCII hex digit (anything else counts as 0). */
const HEX = new Uint8Array(128);
for (let i = 0; i < 10; i++) HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
  HEX[65 + i] = 10 + i;
  HEX[97 + i] = 10 + i;
}

export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

export class ProtoWriter {
  buf: Buffer;
  pos = 0;

  constructor(private readonly initialSize = 64 * 1024) {
    this.buf = Buffer.allocUnsafeSlow(initialSize);
  }

  reset(): void {
    this.pos = 0;
  }

  /**
   * What was written. The buffer is handed over (no copy); the writer continues on a fresh one of the size the
   * last message needed, so a steady stream of similar batches never grows it again.
   */
  finish(): Uint8Array {
    const out = this.buf.subarray(0, this.pos);
    // One outsized batch (a huge attribute) must not pin a buffer of its size for the life of the process.
    const next = Math.min(MAX_KEPT_BYTES, this.pos + (this.pos >>> 3));
    this.buf = Buffer.allocUnsafeSlow(Math.max(this.initialSize, next));
    this.pos = 0;
    return out;
  }

  ensure(n: number): void {
    if (this.pos + n > this.buf.length) this.grow(n);
  }

  private grow(n: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** One byte (a tag of fields 1-15). */
  byte(b: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = b;
  }

  /** Already-encoded bytes (cached keys, resources, scopes). */
  raw(bytes: Uint8Array): void {
    const n = bytes.length;
    this.ensure(n);
    if (n > 32) {
      this.buf.set(bytes, this.pos);
      this.pos += n;
      return;
    }
    // Short copies (attribute keys) are cheaper by hand than through TypedArray#set.
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = bytes[i] as number;
    this.pos = p;
  }

  uint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[this.pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[this.pos++] = v;
  }

  /** int64 varint of an integral number in [-2^63, 2^63) (negative numbers take ten bytes, two's complement). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.uint32(value);
      return;
    }
    let lo: number;
    let hi: number;
    if (value >= 0) {
      lo = value >>> 0;
      hi = Math.floor(value / TWO_32) >>> 0;
    } else {
      const abs = -value;
      lo = abs >>> 0;
      hi = Math.floor(abs / TWO_32) >>> 0;
      lo = (~lo + 1) >>> 0;
      hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
    }
    this.ensure(10);
    const buf = this.buf;
    while (hi !== 0 || lo > 0x7f) {
      buf[this.pos++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    buf[this.pos++] = lo;
  }

  fixed32(value: number): void {
    this.ensure(4);
    const buf = this.buf;
    const p = this.pos;
    const v = value >>> 0;
    buf[p] = v & 0xff;
    buf[p + 1] = (v >>> 8) & 0xff;
    buf[p + 2] = (v >>> 16) & 0xff;
    buf[p + 3] = v >>> 24;
    this.pos = p + 4;
  }

  fixed64(lo: number, hi: number): void {
    this.ensure(8);
    const buf = this.buf;
    const p = this.pos;
    const l = lo >>> 0;
    const h = hi >>> 0;
    buf[p] = l & 0xff;
    buf[p + 1] = (l >>> 8) & 0xff;
    buf[p + 2] = (l >>> 16) & 0xff;
    buf[p + 3] = l >>> 24;
    buf[p + 4] = h & 0xff;
    buf[p + 5] = (h >>> 8) & 0xff;
    buf[p + 6] = (h >>> 16) & 0xff;
    buf[p + 7] = h >>> 24;
    this.pos = p + 8;
  }

  /**
   * HrTime [seconds, nanoseconds] as fixed64 nanoseconds since the epoch, exactly: seconds * 1e9 overflows 2^53
   * for any current date, so the product is assembled from 16-bit halves that each stay exact in a double.
   */
  hrTime(time: readonly [number, number]): void {
    const seconds = time[0];
    const nanos = time[1];
    // Remainders by powers of two as x - floor(x / 2^k) * 2^k: exact for these integers, and without the floating
    // point `%` (a C call in V8 once values leave the int32 range).
    const sHigh = Math.floor(seconds / 65536);
    const sLow = seconds - sHigh * 65536;
    // seconds * 1e9 + nanos = (sHigh * 1e9) * 2^16 + (sLow * 1e9 + nanos)
    const a = sLow * 1e9 + nanos; // < 6.6e13
    const b = sHigh * 1e9; // exact while seconds < 5.9e11
    const bHigh = Math.floor(b / 65536); // b * 2^16 = bHigh * 2^32 + bLow16 * 2^16
    const bLow16 = b - bHigh * 65536;
    const aHigh = Math.floor(a / TWO_32);
    const aLow = a - aHigh * TWO_32;
    let lo = bLow16 * 65536 + aLow;
    let hi = bHigh + aHigh;
    if (lo >= TWO_32) {
      lo -= TWO_32;
      hi += 1;
    }
    this.fixed64(lo, hi);
  }

  double(value: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  /** Length-prefixed UTF-8 (lone surrogates become U+FFFD, as with TextEncoder). */
  string(s: string): void {
    const n = s.length;
    if (n < 43) {
      // At most 126 UTF-8 bytes: the length is one byte. ASCII is copied by hand (cheaper than a native call).
      this.ensure(1 + n * 3);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[p++] = c;
      }
      if (i < n) p = start + 1 + buf.write(s, start + 1, 'utf8');
      buf[start] = p - start - 1;
      this.pos = p;
      return;
    }
    const len = Buffer.byteLength(s, 'utf8');
    this.ensure(5 + len);
    this.uint32(len);
    this.pos += this.buf.write(s, this.pos, len, 'utf8');
  }

  /**
   * A whole KeyValue field whose value is a short ASCII string (most attributes), written in one pass with no
   * back-patching. Returns false, having written nothing, when the value is not ASCII or the pair is too long.
   */
  asciiKeyValue(tag: number, keyField: Uint8Array, value: string): boolean {
    const n = value.length;
    const k = keyField.length;
    const kvLen = k + 4 + n;
    if (kvLen > 0x7f) return false;
    this.ensure(kvLen + 2);
    const buf = this.buf;
    const start = this.pos;
    let p = start + k + 6;
    for (let i = 0; i < n; i++) {
      const c = value.charCodeAt(i);
      if (c >= 0x80) return false;
      buf[p++] = c;
    }
    buf[start] = tag;
    buf[start + 1] = kvLen;
    p = start + 2;
    for (let i = 0; i < k; i++) buf[p++] = keyField[i] as number;
    buf[p] = 0x12; // KeyValue.value
    buf[p + 1] = n + 2;
    buf[p + 2] = 0x0a; // AnyValue.string_value
    buf[p + 3] = n;
    this.pos = start + kvLen + 2;
    return true;
  }

  /** Length-prefixed bytes. */
  bytes(b: Uint8Array): void {
    this.uint32(b.length);
    this.raw(b);
  }

  /** Length-prefixed bytes of a hex string (trace and span ids). */
  hexBytes(hex: string): void {
    const n = hex.length >>> 1;
    this.ensure(5 + n);
    if (n > 0x7f) this.uint32(n);
    else this.buf[this.pos++] = n;
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      buf[p++] =
        ((HEX[hex.charCodeAt(2 * i) & 0x7f] as number) << 4) | (HEX[hex.charCodeAt(2 * i + 1) & 0x7f] as number);
    }
    this.pos = p;
  }

  /** Starts a length-delimited message; `reserve` is the expected size of its length varint. */
  begin(reserve: number): number {
    this.ensure(reserve);
    const start = this.pos;
    this.pos += reserve;
    return start;
  }

  /** Ends the message started at `start`: writes its length, moving the body when the reservation was wrong. */
  end(start: number, reserve: number): void {
    const len = this.pos - start - reserve;
    const size = varintSize(len);
    if (size !== reserve) {
      if (size > reserve) this.ensure(size - reserve);
      this.buf.copyWithin(start + size, start + reserve, this.pos);
      this.pos += size - reserve;
    }
    const buf = this.buf;
    let p = start;
    let v = len;
    while (v > 0x7f) {
      buf[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[p] = v;
  }
}
