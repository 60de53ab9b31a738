import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson, decodeOtlpProtobuf, decodeWithProtobufjs, toRows } from '../src/index.js';
import { REQUEST_TYPES, type Signal } from '../src/otlp-proto.js';

/** Seeded PRNG (mulberry32). */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = ['a', 'Z', '0', ' ', '"', '\\', '\n', 'é', '漢', '😀', '\u0000', '/', '.'];

function generator(rnd: () => number) {
  const int = (n: number) => Math.floor(rnd() * n);
  const str = () => Array.from({ length: int(12) }, () => ALPHABET[int(ALPHABET.length)]).join('');
  const hexId = (bytes: number) =>
    Array.from({ length: bytes }, () => (1 + int(255)).toString(16).padStart(2, '0')).join('');
  const bigString = (max: bigint) => (BigInt(int(2 ** 31)) * BigInt(int(2 ** 31)) * BigInt(1 + int(4))) % max;
  const anyValue = (depth: number): object => {
    switch (depth > 2 ? int(5) : int(7)) {
      case 0:
        return { stringValue: str() };
      case 1:
        return { boolValue: rnd() < 0.5 };
      case 2:
        return {
          intValue: String(
            rnd() < 0.3 ? -bigString(2n ** 63n) : rnd() < 0.5 ? bigString(2n ** 63n) : BigInt(int(1000)),
          ),
        };
      case 3:
        return { doubleValue: [0.5, -1e300, 3.14159, 1e-12, 0][int(5)] };
      case 4:
        return { bytesValue: Buffer.from(str()).toString('base64') };
      case 5:
        return { arrayValue: { values: Array.from({ length: int(4) }, () => anyValue(depth + 1)) } };
      default:
        return { kvlistValue: { values: attrs(depth + 1) } };
    }
  };
  const attrs = (depth = 0) =>
    Array.from({ length: int(6) }, () => ({ key: rnd() < 0.2 ? 'dup' : str(), value: anyValue(depth) }));
  const time = () => String(1_700_000_000_000_000_000n + BigInt(int(2 ** 30)) * 1000n);
  const span = () => ({
    traceId: hexId(16),
    spanId: hexId(8),
    parentSpanId: rnd() < 0.5 ? hexId(8) : '',
    traceState: rnd() < 0.2 ? 'k=v' : '',
    flags: int(512),
    name: str(),
    kind: int(6),
    startTimeUnixNano: time(),
    endTimeUnixNano: time(),
    attributes: attrs(),
    events: Array.from({ length: int(3) }, () => ({ timeUnixNano: time(), name: str(), attributes: attrs() })),
    links: Array.from({ length: int(2) }, () => ({
      traceId: hexId(16),
      spanId: hexId(8),
      traceState: str(),
      attributes: attrs(),
    })),
    status: rnd() < 0.5 ? { code: int(3), message: str() } : undefined,
  });
  const log = () => ({
    timeUnixNano: rnd() < 0.1 ? '0' : time(),
    observedTimeUnixNano: time(),
    severityNumber: int(25),
    severityText: str(),
    body: rnd() < 0.1 ? undefined : anyValue(0),
    attributes: attrs(),
    flags: int(2),
    traceId: rnd() < 0.3 ? '' : hexId(16),
    spanId: rnd() < 0.3 ? '' : hexId(8),
    eventName: rnd() < 0.2 ? str() : '',
  });
  const scope = () => (rnd() < 0.2 ? undefined : { name: str(), version: str(), attributes: attrs() });
  const resource = () =>
    rnd() < 0.1
      ? undefined
      : { attributes: [...(rnd() < 0.8 ? [{ key: 'service.name', value: { stringValue: str() } }] : []), ...attrs()] };
  return {
    traces: () => ({
      resourceSpans: Array.from({ length: 1 + int(3) }, () => ({
        resource: resource(),
        scopeSpans: Array.from({ length: int(3) }, () => ({
          scope: scope(),
          spans: Array.from({ length: int(5) }, span),
        })),
      })),
    }),
    logs: () => ({
      resourceLogs: Array.from({ length: 1 + int(3) }, () => ({
        resource: resource(),
        scopeLogs: Array.from({ length: int(3) }, () => ({
          scope: scope(),
          logRecords: Array.from({ length: int(5) }, log),
        })),
      })),
    }),
  };
}

describe('the hand-written protobuf decoder', () => {
  it.each<Signal>(['traces', 'logs'])(
    'yields exactly the rows protobufjs yields for 1,000 random valid %s requests',
    (signal) => {
      const rnd = prng(signal === 'traces' ? 7 : 11);
      const gen = generator(rnd);
      for (let i = 0; i < 1000; i++) {
        const json = signal === 'traces' ? gen.traces() : gen.logs();
        const bytes = REQUEST_TYPES[signal].encode(decodeOtlpJson(signal, JSON.stringify(json)) as never).finish();
        const fast = toRows(signal, decodeOtlpProtobuf(signal, bytes), 1e13);
        const reference = toRows(signal, decodeWithProtobufjs(signal, bytes), 1e13);
        if (!isDeepStrictEqual(fast, reference)) expect({ case: i, fast }).toEqual({ case: i, fast: reference });
      }
    },
  );

  it('rejects truncated messages, lengths past their message and wrong wire types', () => {
    const json = {
      resourceSpans: [
        {
          scopeSpans: [
            {
              spans: [
                {
                  traceId: 'ab'.repeat(16),
                  spanId: 'cd'.repeat(8),
                  name: 'n',
                  startTimeUnixNano: '1',
                  endTimeUnixNano: '2',
                },
              ],
            },
          ],
        },
      ],
    };
    const bytes = Buffer.from(
      REQUEST_TYPES.traces.encode(decodeOtlpJson('traces', JSON.stringify(json)) as never).finish(),
    );
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(() => decodeOtlpProtobuf('traces', bytes.subarray(0, cut)), `cut at ${cut}`).toThrow(
        /SIGHTLINE_ERR_OTLP_DECODE|not a valid OTLP/,
      );
    }
    // field 1 (resource_spans) sent as a varint
    expect(() => decodeOtlpProtobuf('traces', Buffer.from([0x08, 0x01]))).toThrow(
      'field 1 has wire type 0, expected 2',
    );
    // a nested length claiming more bytes than its enclosing message has, though the buffer has them
    expect(() => decodeOtlpProtobuf('logs', Buffer.from([0x0a, 0x02, 0x12, 0x05, 0, 0, 0, 0, 0]))).toThrow(
      'runs past its message',
    );
  });
});
