import { describe, expect, it } from 'vitest';
import { Reader } from '../src/protobuf-reader.js';

/** A length-delimited field body: varint length + UTF-8 bytes (lengths < 128 here). */
const field = (s: string) => {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([Buffer.from([bytes.length]), bytes]);
};
const read = (s: string) => {
  const buf = field(s);
  const r = new Reader(buf);
  const out = r.cachedString(buf.length);
  expect(r.pos).toBe(buf.length);
  return out;
};
// The reader's slot function (FNV-1a over the bytes, seeded with the length, 4096 slots).
const slot = (s: string) => {
  const b = Buffer.from(s, 'utf8');
  let h = 0x811c9dc5 ^ b.length;
  for (const x of b) h = Math.imul(h ^ x, 16777619);
  return (h >>> 0) & 4095;
};

describe('Reader.cachedString', () => {
  it('returns the exact string for repeated, colliding and non-ASCII keys', () => {
    // Two different keys of the same length in the same slot: each read must still return its own string.
    const seen = new Map<number, string>();
    let pair: [string, string] | undefined;
    for (let i = 0; !pair; i++) {
      const k = `key.${i.toString(36).padStart(6, '0')}`;
      const other = seen.get(slot(k));
      if (other !== undefined) pair = [other, k];
      else seen.set(slot(k), k);
    }
    const [a, b] = pair;
    expect(a).not.toBe(b);
    for (const k of [a, b, a, a, b]) expect(read(k)).toBe(k);
    for (const k of ['http.route', 'http.route', 'héllo.wörld', '日本語', 'x'.repeat(48), 'y'.repeat(49), ''])
      expect(read(k)).toBe(k);
  });

  it('decodes invalid UTF-8 the same way as string()', () => {
    const buf = Buffer.from([3, 0xff, 0xfe, 0x41]);
    const expected = new Reader(buf).string(buf.length);
    expect(new Reader(buf).cachedString(buf.length)).toBe(expected);
    expect(new Reader(buf).cachedString(buf.length)).toBe(expected);
  });
});
