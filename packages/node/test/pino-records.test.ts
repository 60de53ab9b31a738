// pino calls as OTLP log records: the sink that encodes on add (OTLP protobuf; the record object is reused and a
// merge object of plain values is encoded without a copy) must produce exactly what the sink that keeps records
// (http/json, console) produces, for every kind of pino call; and nothing of the app's objects may stay behind.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { emitPinoRecord, setLogRecordSink } from '../src/log-correlation.js';
import { ProtoBatchBuilder } from '../src/otlp/batch-builder.js';
import { LOG_RECORD_CODEC } from '../src/otlp/logs-encoder.js';
import { PACKAGE_DIR } from './support/app-process.js';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs') as typeof import('protobufjs');
const root = protobuf.loadSync(join(PACKAGE_DIR, '..', 'server', 'proto', 'otlp.proto'));
const LogsRequest = root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');

const resource = resourceFromAttributes({ 'service.name': 'pino-records' });

/** Decoded log records, times left out (each call reads the clock). */
function decoded(bytes: Uint8Array): unknown[] {
  const request = LogsRequest.toObject(LogsRequest.decode(bytes), { longs: String, bytes: String, defaults: true }) as {
    resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Array<Record<string, unknown>> }> }>;
  };
  return request.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords.map(({ timeUnixNano: _t, observedTimeUnixNano: _o, ...rest }) => rest)),
  );
}

class Inherited {
  own = 'own value';
}
(Inherited.prototype as unknown as Record<string, string>).inherited = 'from the prototype';

const err = new Error('it broke');
(err as unknown as Record<string, string>).code = 'E_BROKE';

/** Every shape of call pino's write method receives: [merge object or Error or nothing, formatted message, level]. */
function calls(): Array<[unknown, unknown, number]> {
  const many: Record<string, number> = {};
  for (let i = 0; i < 140; i++) many[`k${i}`] = i;
  return [
    [null, 'just a message', 30],
    [{ user: 'ada', n: 3, ok: true }, 'plain values', 30],
    [{ nested: { a: [1, 2] }, big: 10n, nothing: null, missing: undefined }, 'converted values', 40],
    [err, undefined, 50],
    [{ err, extra: 'x' }, 'error inside', 50],
    [{ n: 1 }, 'format this and 7', 20],
    [many, 'too many attributes', 30],
    [new Inherited(), 'class instance', 30],
    [[1, 'two'], 'array merge object', 30],
    [{}, 'empty object', 60],
    [{ msg: 'x' }, undefined, 10],
    [{ n: 1 }, 'custom level', 35],
  ];
}

afterEach(() => setLogRecordSink(undefined));

describe('pino calls as OTLP log records', () => {
  it('encode the same whether the sink encodes on add (record reused) or keeps the records', () => {
    const encoding = new ProtoBatchBuilder(LOG_RECORD_CODEC);
    setLogRecordSink({ resource, add: (r) => encoding.add(r), encodesOnAdd: true });
    for (const [obj, msg, level] of calls()) emitPinoRecord(obj, msg, level);
    const onAdd = decoded(encoding.seal());

    const kept: ReadableLogRecord[] = [];
    setLogRecordSink({ resource, add: (r) => kept.push(r) });
    for (const [obj, msg, level] of calls()) emitPinoRecord(obj, msg, level);
    expect(new Set(kept).size).toBe(kept.length);
    const keptBytes = new ProtoBatchBuilder(LOG_RECORD_CODEC).encode(kept);

    expect(onAdd).toHaveLength(calls().length);
    expect(onAdd).toEqual(decoded(keptBytes));
    const records = onAdd as Array<{
      body: { stringValue: string };
      attributes: unknown[];
      droppedAttributesCount: number;
    }>;
    expect(records[3]?.attributes).toEqual(
      expect.arrayContaining([{ key: 'exception.type', value: expect.objectContaining({ stringValue: 'Error' }) }]),
    );
    expect(records[5]?.body.stringValue).toBe('format this and 7');
    expect(records[6]?.attributes).toHaveLength(128);
    expect(records[6]?.droppedAttributesCount).toBe(12);
    expect(JSON.stringify(records[7]?.attributes)).not.toContain('from the prototype');
  });

  it('survive a merge object whose getter logs while it is read: the outer record intact, the nested one dropped', () => {
    const encoding = new ProtoBatchBuilder(LOG_RECORD_CODEC);
    const refused: string[] = [];
    setLogRecordSink({
      resource,
      add: (r) => {
        try {
          encoding.add(r);
        } catch (err) {
          refused.push((err as Error).message);
        }
      },
      encodesOnAdd: true,
    });
    let reads = 0;
    const tricky = {
      get value() {
        reads++;
        emitPinoRecord(null, `nested ${reads}`, 30);
        return 'outer value';
      },
    };
    const traceId = '0af7651916cd43dd8448eb211c80319c';
    const inSpan = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: 'b7ad6b7169203331', traceFlags: 1 });
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    try {
      context.with(inSpan, () => emitPinoRecord(tricky, 'outer', 40));
    } finally {
      context.disable();
    }
    const records = decoded(encoding.seal()) as Array<{
      body: { stringValue: string };
      attributes: unknown[];
      traceId: string;
    }>;
    const outer = records.find((r) => r.body.stringValue === 'outer');
    expect(outer?.attributes).toEqual([
      { key: 'value', value: expect.objectContaining({ stringValue: 'outer value' }) },
    ]);
    // Everything written after the attributes (the ids among it) is still the outer call's.
    expect(Buffer.from(outer?.traceId ?? '', 'base64').toString('hex')).toBe(traceId);
    // The getter ran while the outer record was checked (its nested record encoded) and while it was written (that
    // nested record refused, counted as dropped by the SDK's batcher).
    expect(records.map((r) => r.body.stringValue).sort()).toEqual(['nested 1', 'outer']);
    expect(refused).toEqual(['an item was added while another was being encoded']);
  });

  it('keep nothing of the app objects once the call returns (the record object is reused)', () => {
    const seen: ReadableLogRecord[] = [];
    setLogRecordSink({ resource, add: (r) => seen.push(r), encodesOnAdd: true });
    const merge = { secret: 'value' };
    emitPinoRecord(merge, 'hello', 30);
    emitPinoRecord(null, 'second', 40);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]?.attributes).toEqual({});
    expect(seen[0]?.body).toBeUndefined();
    expect(seen[0]?.severityNumber).toBe(SeverityNumber.WARN);
  });
});
