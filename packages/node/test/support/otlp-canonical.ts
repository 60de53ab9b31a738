// A canonical form for comparing an OTLP/JSON body with a protobuf-decoded message exactly (no 64-bit precision lost):
// default-valued fields dropped (JSON may omit what protobuf writes as 0), ids as lowercase hex, doubles as numbers
// (proto3 JSON writes NaN/Infinity as strings), strings made well-formed (protobuf carries UTF-8, so a lone
// surrogate arrives as U+FFFD; JSON can carry it escaped).
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
// oneof members keep their value even when it is the default: which member is set is information.
const ONEOF_KEYS = new Set(['stringValue', 'boolValue', 'intValue', 'doubleValue', 'bytesValue', 'asInt', 'asDouble']);
const DOUBLE_KEYS = new Set(['doubleValue', 'asDouble', 'sum', 'min', 'max']);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function isDefault(v: unknown): boolean {
  return (
    v === 0 || v === '0' || v === '' || v === false || v === null || v === undefined || (Array.isArray(v) && !v.length)
  );
}

export function canonical(value: unknown, key = ''): unknown {
  if (typeof value === 'string') {
    // Hex from JSON; base64 (always '='-padded for 8 and 16 bytes) from the protobuf decoder.
    if (ID_KEYS.has(key)) {
      return /^[0-9a-fA-F]*$/.test(value) ? value.toLowerCase() : Buffer.from(value, 'base64').toString('hex');
    }
    if (DOUBLE_KEYS.has(key)) return Number(value);
    return value.replace(LONE_SURROGATE, '\ufffd');
  }
  if (Array.isArray(value)) return value.map((v) => canonical(v, key === 'explicitBounds' ? 'sum' : ''));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (!ONEOF_KEYS.has(k) && isDefault(v)) continue;
    out[k] = canonical(v, k);
  }
  return out;
}
