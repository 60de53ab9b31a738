// The bytes of recent trace and span ids, for the OTLP encoder: ids are hex strings, and the encoder writes their
// bytes (a span's ids once, each log record's twice). Decoding hex costs two character reads per byte, of a string
// that is a slice of a longer one for the ids we generate; a remembered id is found by its first three digits and
// copied. Ids are remembered as they enter: ours as they are generated (random-ids.ts), a remote parent's trace id
// as the first span under it starts (tracer.ts), so the rest of the request's spans and log records find it. One
// slot per three-digit prefix and id length: a newer id with the same prefix takes the slot, and the one it replaced
// is decoded when it is written. Fixed size: 4096 slots of 16 and of 8 bytes. The ids kept can be slices of their
// pool's 16 KiB hex text and keep it alive: each pool's ids overwrite a tenth to a quarter of the slots, so ids of the
// last few dozen pools remain (the bound is a test: test/id-bytes.test.ts).

const SLOTS = 4096;

interface Remembered {
  /** The id in each slot. */
  readonly ids: Array<string | undefined>;
  /** Its bytes, at slot × id length. */
  readonly bytes: Uint8Array;
}

const traceIds: Remembered = { ids: new Array(SLOTS).fill(undefined), bytes: new Uint8Array(SLOTS * 16) };
const spanIds: Remembered = { ids: new Array(SLOTS).fill(undefined), bytes: new Uint8Array(SLOTS * 8) };

/** Nibble of each ASCII hex digit, 16 for anything else. */
const NIBBLE = new Uint8Array(128).fill(16);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) {
  NIBBLE[65 + i] = 10 + i;
  NIBBLE[97 + i] = 10 + i;
}

/** Remembers that `id` (the hex of `length` bytes of `source` at `at`) has those bytes. */
export function rememberId(id: string, source: Uint8Array, at: number, length: 8 | 16): void {
  const table = length === 16 ? traceIds : spanIds;
  const slot = ((source[at] as number) << 4) | ((source[at + 1] as number) >>> 4);
  table.ids[slot] = id;
  const out = slot * length;
  for (let i = 0; i < length; i++) table.bytes[out + i] = source[at + i] as number;
}

/** Remembers a trace id that came from elsewhere (lowercase or uppercase hex; anything else is not kept). */
export function rememberTraceId(id: string): void {
  if (id.length !== 32) return;
  const slot = slotOf(id);
  if (slot >= SLOTS || traceIds.ids[slot] === id) return;
  const bytes = traceIds.bytes;
  const out = slot * 16;
  for (let i = 0; i < 16; i++) {
    const high = NIBBLE[id.charCodeAt(2 * i) & 0x7f] as number;
    const low = NIBBLE[id.charCodeAt(2 * i + 1) & 0x7f] as number;
    if (high > 15 || low > 15) {
      traceIds.ids[slot] = undefined;
      return;
    }
    bytes[out + i] = (high << 4) | low;
  }
  traceIds.ids[slot] = id;
}

/** The slot of an id by its first three digits; SLOTS or more when one is not a hex digit. */
function slotOf(id: string): number {
  return (
    (NIBBLE[id.charCodeAt(0) & 0x7f] as number) * 256 +
    (NIBBLE[id.charCodeAt(1) & 0x7f] as number) * 16 +
    (NIBBLE[id.charCodeAt(2) & 0x7f] as number)
  );
}

/**
 * Writes the bytes of `id` into `buf` at `p` if it is a remembered id of `length` bytes (the same string, or an
 * equal one); returns whether it did.
 */
export function copyRememberedId(id: string, length: number, buf: Uint8Array, p: number): boolean {
  const table = length === 16 ? traceIds : length === 8 ? spanIds : undefined;
  if (table === undefined) return false;
  const slot = slotOf(id);
  if (slot >= SLOTS || table.ids[slot] !== id) return false;
  const from = slot * length;
  const bytes = table.bytes;
  for (let i = 0; i < length; i++) buf[p + i] = bytes[from + i] as number;
  return true;
}
