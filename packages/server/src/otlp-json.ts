import { SightlineError } from './errors.js';
import { fastDecodeLogs, fastDecodeTraces } from './otlp-fast-decode.js';
import { REQUEST_TYPES, type Signal } from './otlp-proto.js';

/**
 * OTLP/JSON → the same message objects the protobuf decoder yields. The OTLP/JSON mapping differs from proto3 JSON
 * only in trace/span ids (lowercase hex instead of base64); keys may be lowerCamelCase or snake_case, int64 values
 * strings or numbers, enums integers or names. protobufjs' fromObject does the rest.
 */
const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
const SEVERITY_BASE: Record<string, number> = { TRACE: 1, DEBUG: 5, INFO: 9, WARN: 13, ERROR: 17, FATAL: 21 };

const camel = (key: string) => (key.includes('_') ? key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()) : key);

function hexToBytes(hex: string, path: string): Buffer {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new SightlineError(
      'SIGHTLINE_ERR_OTLP_INVALID_ID',
      `${path} "${hex.slice(0, 40)}" is not hex; OTLP/JSON ids are lowercase hex (32 chars for trace ids, 16 for span ids)`,
    );
  }
  return Buffer.from(hex, 'hex');
}

function severityFromName(value: string, path: string): number {
  const m = /^SEVERITY_NUMBER_(TRACE|DEBUG|INFO|WARN|ERROR|FATAL)([234])?$/.exec(value);
  if (value === 'SEVERITY_NUMBER_UNSPECIFIED') return 0;
  if (!m) throw new SightlineError('SIGHTLINE_ERR_OTLP_DECODE', `${path} "${value}" is not a SeverityNumber`);
  return (SEVERITY_BASE[m[1]!] ?? 0) + (m[2] ? Number(m[2]) - 1 : 0);
}

function normalize(value: unknown, path: string, depth: number): unknown {
  if (depth > 64) throw new SightlineError('SIGHTLINE_ERR_OTLP_DECODE', `${path} is nested deeper than 64 levels`);
  if (Array.isArray(value)) return value.map((v, i) => normalize(v, `${path}[${i}]`, depth + 1));
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [rawKey, v] of Object.entries(value as Record<string, unknown>)) {
    const key = camel(rawKey);
    const p = `${path}.${key}`;
    if (ID_KEYS.has(key) && typeof v === 'string') out[key] = hexToBytes(v, p);
    else if (key === 'severityNumber' && typeof v === 'string' && !/^\d+$/.test(v)) out[key] = severityFromName(v, p);
    else out[key] = normalize(v, p, depth + 1);
  }
  return out;
}

/** Parses an OTLP/JSON request body of the given signal; throws SIGHTLINE_ERR_OTLP_DECODE on anything malformed. */
export function decodeOtlpJson(signal: Signal, text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new SightlineError('SIGHTLINE_ERR_OTLP_DECODE', `body is not valid JSON: ${(e as Error).message}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new SightlineError('SIGHTLINE_ERR_OTLP_DECODE', 'body must be a JSON object (an OTLP Export…ServiceRequest)');
  }
  const normalized = normalize(parsed, '$', 0);
  try {
    return REQUEST_TYPES[signal].fromObject(normalized as Record<string, unknown>);
  } catch (e) {
    throw new SightlineError(
      'SIGHTLINE_ERR_OTLP_DECODE',
      `body is not an OTLP ${signal} request: ${(e as Error).message}`,
    );
  }
}

/** Decodes with protobufjs (the reference decoder; used for metrics, and by tests/bench as the baseline). */
export function decodeWithProtobufjs(signal: Signal, body: Uint8Array): unknown {
  try {
    // A plain Uint8Array view: protobufjs' Buffer reader clamps over-long strings instead of rejecting them.
    const view = Buffer.isBuffer(body) ? new Uint8Array(body.buffer, body.byteOffset, body.byteLength) : body;
    return REQUEST_TYPES[signal].decode(view);
  } catch (e) {
    throw new SightlineError(
      'SIGHTLINE_ERR_OTLP_DECODE',
      `body is not a valid OTLP ${signal} protobuf message: ${(e as Error).message}`,
    );
  }
}

/** Decodes an OTLP protobuf request body (hand-written decoder for traces and logs); SIGHTLINE_ERR_OTLP_DECODE if malformed. */
export function decodeOtlpProtobuf(signal: Signal, body: Uint8Array): unknown {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (signal === 'traces') return fastDecodeTraces(buf);
  if (signal === 'logs') return fastDecodeLogs(buf);
  return decodeWithProtobufjs(signal, body);
}
