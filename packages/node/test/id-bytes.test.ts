// The bytes of generated ids as the OTLP encoder copies them (src/id-bytes.ts) must be exactly the bytes their hex
// spells, whatever replaced what in the fixed table.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { describe, expect, it } from 'vitest';
import { copyRememberedId, rememberId, rememberTraceId } from '../src/id-bytes.js';
import { ProtoWriter } from '../src/otlp/proto-writer.js';
import { randomIds } from '../src/tracing/random-ids.js';
import { SightlineTracerProvider } from '../src/tracing/tracer.js';

describe('remembered id bytes', () => {
  it('copies the bytes of a generated id, and of no other string', () => {
    const id = randomIds.generateTraceId();
    const out = new Uint8Array(20);
    expect(copyRememberedId(id, 16, out, 2)).toBe(true);
    expect(Buffer.from(out.subarray(2, 18)).toString('hex')).toBe(id);
    // an equal string made some other way is the same id
    expect(copyRememberedId(id.split('').join(''), 16, out, 0)).toBe(true);
    expect(copyRememberedId(`${id.slice(0, 31)}${id[31] === 'f' ? 'e' : 'f'}`, 16, out, 0)).toBe(false);
    expect(copyRememberedId(id.toUpperCase(), 16, out, 0)).toBe(false);
    expect(copyRememberedId(id.slice(0, 16), 8, out, 0)).toBe(false);
    expect(copyRememberedId(id, 12, out, 0)).toBe(false);
  });

  it('a newer id with the same first three digits takes the slot; the older one is then not copied', () => {
    const a = Buffer.from('abc1000000000000', 'hex');
    const b = Buffer.from('abc2000000000000', 'hex');
    rememberId('abc1000000000000', a, 0, 8);
    rememberId('abc2000000000000', b, 0, 8);
    const out = new Uint8Array(8);
    expect(copyRememberedId('abc1000000000000', 8, out, 0)).toBe(false);
    expect(copyRememberedId('abc2000000000000', 8, out, 0)).toBe(true);
    expect(Buffer.from(out).toString('hex')).toBe('abc2000000000000');
  });

  it('every id the encoder writes has the bytes its hex spells, remembered or not (20,000 of each length)', () => {
    const ids = Array.from({ length: 20_000 }, () => [randomIds.generateTraceId(), randomIds.generateSpanId()]).flat();
    const w = new ProtoWriter(64);
    let copied = 0;
    for (const id of ids) {
      if (copyRememberedId(id, id.length / 2, new Uint8Array(16), 0)) copied++;
      w.reset();
      w.hexBytes(id);
      expect(Buffer.from(w.buf.subarray(1, w.pos)).toString('hex')).toBe(id);
    }
    // the latest ids are still in the table
    expect(copied).toBeGreaterThan(4096);
  });

  it("a remote parent's trace id is remembered when the first span under it starts; not one with other characters", () => {
    const provider = new SightlineTracerProvider({ resource: resourceFromAttributes({}), spanProcessors: [] });
    const remote = '0af7651916cd43dd8448eb211c80319c';
    const out = new Uint8Array(16);
    expect(copyRememberedId(remote, 16, out, 0)).toBe(false);
    const parent = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: remote,
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
      isRemote: true,
    });
    provider.getTracer('t').startSpan('server', {}, parent).end();
    expect(copyRememberedId(remote, 16, out, 0)).toBe(true);
    expect(Buffer.from(out).toString('hex')).toBe(remote);
    const upper = 'ABCDEF0123456789ABCDEF0123456789';
    rememberTraceId(upper);
    expect(copyRememberedId(upper, 16, out, 0)).toBe(true);
    expect(Buffer.from(out).toString('hex')).toBe(upper.toLowerCase());
    const notHex = 'abcdef0123456789abcdef012345678z';
    rememberTraceId(notHex);
    expect(copyRememberedId(notHex, 16, out, 0)).toBe(false);
  });

  it('keeps memory bounded: the table pins only recent pools of hex text (live heap after 300,000 requests of ids)', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    let last = '';
    for (let i = 0; i < 300_000; i++)
      last = randomIds.generateTraceId() + randomIds.generateSpanId() + randomIds.generateSpanId();
    gc();
    gc();
    const grownMiB = (process.memoryUsage().heapUsed - before) / 1048576;
    expect(last.length).toBe(64);
    // 1.9 MiB in a scratch run of a million requests; every id kept would be over 100 MiB
    expect(grownMiB).toBeLessThan(4);
  });
});
