// Our OTLP protobuf encoder against the official one: both encodings of the same real SDK spans and log records are
// decoded with the OTLP .proto definitions and must carry exactly the same fields.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { context, SpanKind, SpanStatusCode, TraceFlags, trace } from '@opentelemetry/api';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { TraceState } from '@opentelemetry/core';
import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { ProtoBatchBuilder } from '../src/otlp/batch-builder.js';
import { encodeLogsJson, encodeSpansJson } from '../src/otlp/json-encoder.js';
import { encodeLogs, LOG_RECORD_CODEC } from '../src/otlp/logs-encoder.js';
import { MAX_KEPT_BYTES, ProtoWriter } from '../src/otlp/proto-writer.js';
import { encodeSpans, SPAN_CODEC } from '../src/otlp/trace-encoder.js';
import { type SightlineSpan, sharedAttributes } from '../src/tracing/span.js';
import { SightlineTracerProvider } from '../src/tracing/tracer.js';
import { PACKAGE_DIR } from './support/app-process.js';
import { canonical } from './support/otlp-canonical.js';

const require = createRequire(import.meta.url);
const protobuf = require('protobufjs') as typeof import('protobufjs');
// The OTLP 1.x definitions the Sightline server decodes with (transcribed from opentelemetry-proto).
const root = protobuf.loadSync(join(PACKAGE_DIR, '..', 'server', 'proto', 'otlp.proto'));
const TraceRequest = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
const LogsRequest = root.lookupType('opentelemetry.proto.ExportLogsServiceRequest');

const TO_OBJECT = { longs: String, enums: Number, bytes: String, defaults: true, arrays: true, oneofs: true };

function decode(type: import('protobufjs').Type, bytes: Uint8Array): Record<string, unknown> {
  return type.toObject(type.decode(bytes), TO_OBJECT);
}

/** Our OTLP/JSON and the official protobuf encoding, both in the canonical form of support/otlp-canonical.ts. */
function sameContent(json: Uint8Array, type: import('protobufjs').Type, protobufBytes: Uint8Array): void {
  const fromJson = canonical(JSON.parse(Buffer.from(json).toString('utf8')));
  const fromProtobuf = canonical(
    type.toObject(type.decode(protobufBytes), { ...TO_OBJECT, defaults: false, oneofs: false }),
  );
  expect(fromJson).toEqual(fromProtobuf);
}

const officialSpans = (spans: ReadableSpan[]) => ProtobufTraceSerializer.serializeRequest(spans) as Uint8Array;
const officialLogs = (logs: ReadableLogRecord[]) => ProtobufLogsSerializer.serializeRequest(logs) as Uint8Array;

const UNICODE = ['', 'ü', '日本語のテキスト', '😀 emoji 🚀', 'mixed ascii then é', `lone ${'\ud800'} surrogate`];
const LONG = ['x'.repeat(42), 'y'.repeat(43), 'z'.repeat(127), 'é'.repeat(100), 'w'.repeat(20_000)];
const NUMBERS = [
  0,
  1,
  -1,
  127,
  128,
  2 ** 31,
  2 ** 32,
  2 ** 53 - 1,
  2 ** 53,
  2 ** 62,
  2 ** 63 - 2 ** 11,
  2 ** 63,
  -(2 ** 31),
  -(2 ** 40) - 7,
  -(2 ** 63),
  1.5,
  -0.25,
  Number.MAX_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
];

/** The same spans from the SDK's tracer (default) or from Sightline's own. */
function makeSpans(Provider: typeof BasicTracerProvider | typeof SightlineTracerProvider = BasicTracerProvider) {
  const exporter = new InMemorySpanExporter();
  const resource = resourceFromAttributes({
    'service.name': 'encoder-test',
    'service.instance.id': 'ünïcode-instance',
    'process.pid': 4242,
    'host.arch': 'amd64',
  });
  const provider = new Provider({
    resource,
    spanProcessors: [new SimpleSpanProcessor(exporter)],
    spanLimits: { eventCountLimit: 3, linkCountLimit: 2, attributeCountLimit: 150 },
  });
  const other = new Provider({
    resource: resourceFromAttributes({ 'service.name': 'second-resource' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('@sightline/node', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.30' });
  const plain = provider.getTracer('plain');
  const sameScope = provider.getTracer('plain');

  const remoteParent = trace.setSpanContext(context.active(), {
    traceId: 'ABCDEF0123456789abcdef0123456789',
    spanId: '0123456789ABCDEF',
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
    traceState: new TraceState('vendor=value,other=x'),
  });
  const server = tracer.startSpan(
    'GET /orders/:id',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': 'GET',
        'http.route': '/orders/:id',
        'http.response.status_code': 200,
        'url.path': '/orders/42',
        'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131',
        'string.array': ['a', '', 'ü', 'long'.repeat(40)],
        'number.array': [1, 2.5, -3, 2 ** 60],
        'bool.array': [true, false],
        '': 'empty key',
        ключ: 'значение',
      },
      links: [
        {
          context: {
            traceId: '11111111111111111111111111111111',
            spanId: '2222222222222222',
            traceFlags: 0,
            traceState: new TraceState('k=v'),
          },
          attributes: { 'link.reason': 'retry', 'link.n': 3 },
        },
        {
          context: {
            traceId: '33333333333333333333333333333333',
            spanId: '4444444444444444',
            traceFlags: 1,
            isRemote: true,
          },
        },
        { context: { traceId: '55555555555555555555555555555555', spanId: '6666666666666666', traceFlags: 1 } },
      ],
    },
    remoteParent,
  );
  for (const [i, s] of UNICODE.entries()) server.setAttribute(`unicode.${i}`, s);
  for (const [i, s] of LONG.entries()) server.setAttribute(`long.${i}`, s);
  for (const [i, n] of NUMBERS.entries()) server.setAttribute(`number.${i}`, n);
  for (let i = 0; i < 200; i++) server.setAttribute(`many.${i}`, i % 3 === 0 ? `v${i}` : i % 3 === 1 ? i : true);
  server.addEvent('first', { 'event.attr': 'x', 'event.n': 1 });
  server.addEvent('second');
  server.addEvent('dispatch with time', { big: 2 ** 55 }, [1_700_000_000, 123_456_789]);
  server.addEvent('dropped');
  server.recordException(new Error('boom ü'));
  server.setStatus({ code: SpanStatusCode.ERROR, message: 'payment failed: 😀' });
  const serverCtx = trace.setSpan(context.active(), server);
  for (const kind of [SpanKind.INTERNAL, SpanKind.CLIENT, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    const child = plain.startSpan(`child ${kind}`, { kind, startTime: [1_700_000_000, 999_999_999] }, serverCtx);
    child.setStatus({ code: SpanStatusCode.OK });
    child.end([4_102_444_800, 1]); // year 2100
  }
  sameScope.startSpan('same scope name, other tracer object', {}, serverCtx).end();
  const unsampledParent = trace.setSpanContext(context.active(), {
    traceId: 'fedcba9876543210fedcba9876543210',
    spanId: 'fedcba9876543210',
    traceFlags: TraceFlags.NONE,
    isRemote: false,
  });
  plain.startSpan('local parent', {}, unsampledParent).end();
  other.getTracer('other-scope', '0.0.1').startSpan('in second resource').end();
  tracer.startSpan('root, no parent').end();
  server.end();
  return exporter.getFinishedSpans();
}

function makeLogs(): ReadableLogRecord[] {
  const records: ReadableLogRecord[] = [];
  // A processor that keeps every emitted record (the in-memory exporter receives them only asynchronously).
  const keep: LogRecordProcessor = {
    onEmit: (record) => {
      records.push(record);
    },
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const resource = resourceFromAttributes({ 'service.name': 'encoder-test', 'deployment.environment.name': 'test' });
  const provider = new LoggerProvider({ resource, processors: [keep] });
  const pino = provider.getLogger('pino', '10.4.0', { schemaUrl: 'https://opentelemetry.io/schemas/1.30' });
  const events = provider.getLogger('events');
  const spanCtx = trace.setSpanContext(context.active(), {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.SAMPLED,
  });
  pino.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'info',
    body: 'order loaded ü 😀',
    attributes: { 'order.id': 42, 'http.route': '/orders/:id', ok: true, ratio: 0.5 },
    context: spanCtx,
  });
  pino.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'error',
    body: {
      msg: 'structured',
      nested: { deep: { deeper: [[1, 2], [3], []], empty: {} } },
      list: [1, 'x', { b: true }, null, 2 ** 63, -(2 ** 63), 1e-7],
      bytes: new Uint8Array([0, 1, 2, 253, 254, 255]),
      nothing: null,
      unicode: UNICODE,
    },
    attributes: {
      'kv.attr': { a: 1, b: ['x', { c: 'd' }] },
      'bytes.attr': new Uint8Array([9, 8, 7]),
      'array.of.arrays': [
        [1, 2],
        ['a', 'b'],
      ],
      'long.value': 'L'.repeat(300),
    },
    timestamp: [1_700_000_000, 5],
    observedTimestamp: new Date(1_700_000_001_234),
    context: spanCtx,
  });
  pino.emit({ body: '' });
  pino.emit({ severityNumber: SeverityNumber.UNSPECIFIED, body: 12345 });
  pino.emit({ body: 1.25 });
  pino.emit({ body: false });
  pino.emit({ severityText: 'WARN', body: ['array', 'body', 3] });
  pino.emit({ body: new Uint8Array([1, 2, 3]) });
  events.emit({ eventName: 'checkout.completed', body: { total: 12.5 }, severityNumber: SeverityNumber.INFO2 });
  const unsampled = trace.setSpanContext(context.active(), {
    traceId: '1af7651916cd43dd8448eb211c80319c',
    spanId: 'c7ad6b7169203331',
    traceFlags: TraceFlags.NONE,
  });
  events.emit({ body: 'unsampled context', context: unsampled });
  const many: Record<string, string | number> = {};
  for (let i = 0; i < 150; i++) many[`attr.${i}`] = i % 2 ? i : `v${i}`;
  pino.emit({ body: 'many attributes', attributes: many });
  return records;
}

describe('the OTLP protobuf encoder', () => {
  it.each([
    ['the SDK', BasicTracerProvider],
    ['Sightline', SightlineTracerProvider],
  ])(
    'encodes spans of %s tracer with the same content as the official encoder (ids, times, attributes, events, links, status, flags)',
    (_name, Provider) => {
      const spans = makeSpans(Provider);
      expect(spans.length).toBeGreaterThanOrEqual(8);
      const ours = decode(TraceRequest, encodeSpans(spans));
      const official = decode(TraceRequest, officialSpans(spans));
      expect(ours).toEqual(official);
      // The fixture really covers what it claims (the comparison alone would pass on two empty encodings).
      const text = JSON.stringify(ours);
      for (const needle of [
        'encoder-test',
        'second-resource',
        'vendor=value',
        'payment failed',
        'ключ',
        '😀',
        'dropped',
      ]) {
        expect(text).toContain(needle);
      }
      const resourceSpans = ours.resourceSpans as Array<{
        scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
      }>;
      expect(resourceSpans).toHaveLength(2);
      const server = resourceSpans[0]?.scopeSpans.flatMap((s) => s.spans).find((s) => s.name === 'GET /orders/:id');
      expect(server?.droppedAttributesCount).toBeGreaterThan(0);
      expect(server?.droppedEventsCount).toBeGreaterThan(0);
      expect(server?.droppedLinksCount).toBe(1);
      expect(server?.flags).toBe(0x301);
    },
  );

  it('writes times as exact fixed64 nanoseconds and ids from hex', () => {
    const spans = makeSpans();
    const ours = decode(TraceRequest, encodeSpans(spans)) as {
      resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, string>> }> }>;
    };
    const child = ours.resourceSpans[0]?.scopeSpans.flatMap((s) => s.spans).find((s) => s.name === 'child 2');
    expect(child?.startTimeUnixNano).toBe('1700000000999999999');
    expect(child?.endTimeUnixNano).toBe('4102444800000000001');
    expect(Buffer.from(child?.parentSpanId ?? '', 'base64').length).toBe(8);
    const server = ours.resourceSpans[0]?.scopeSpans.flatMap((s) => s.spans).find((s) => s.name === 'GET /orders/:id');
    expect(Buffer.from(server?.traceId ?? '', 'base64').toString('hex')).toBe('abcdef0123456789abcdef0123456789');
  });

  it('encodes log records with the same content as the official encoder (bodies of every kind, context, times)', () => {
    const logs = makeLogs();
    const ours = decode(LogsRequest, encodeLogs(logs));
    const official = decode(LogsRequest, officialLogs(logs));
    expect(ours).toEqual(official);
    const text = JSON.stringify(ours);
    for (const needle of ['checkout.completed', 'structured', 'deeper', 'unsampled context', '😀']) {
      expect(text).toContain(needle);
    }
  });

  it('caches resource and scope bytes across batches without mixing them up', () => {
    const spans = makeSpans();
    const first = encodeSpans(spans);
    const second = encodeSpans(spans);
    expect(Buffer.compare(Buffer.from(first), Buffer.from(second))).toBe(0);
    const one = encodeSpans(spans.slice(0, 1));
    expect(decode(TraceRequest, one)).toEqual(decode(TraceRequest, officialSpans(spans.slice(0, 1))));
  });

  it('encodes spans as OTLP/JSON with the same content as the official protobuf encoding (64-bit values exact)', () => {
    const spans = makeSpans();
    const json = Buffer.from(encodeSpansJson(spans)).toString('utf8');
    sameContent(encodeSpansJson(spans), TraceRequest, officialSpans(spans));
    // ids as hex, 64-bit integers as strings that keep every digit
    expect(json).toContain('"traceId":"abcdef0123456789abcdef0123456789"');
    expect(json).toContain(`"intValue":"${BigInt(2 ** 62)}"`);
    expect(json).toContain('"endTimeUnixNano":"4102444800000000001"');
  });

  it('encodes log records as OTLP/JSON with the same content as the official protobuf encoding', () => {
    const logs = makeLogs();
    sameContent(encodeLogsJson(logs), LogsRequest, officialLogs(logs));
  });

  it('encodes an empty batch as an empty request', () => {
    expect(encodeSpans([]).length).toBe(0);
    expect(encodeLogs([]).length).toBe(0);
  });

  it('builds a batch item by item, as spans end, with the same content as the official encoding of that batch', () => {
    const spans = makeSpans();
    const logs = makeLogs();
    const spanBuilder = new ProtoBatchBuilder(SPAN_CODEC);
    const logBuilder = new ProtoBatchBuilder(LOG_RECORD_CODEC);
    // Two batches from one builder: the second holds only what was added after the first seal.
    const cut = 3;
    for (const span of spans.slice(0, cut)) spanBuilder.add(span);
    expect(spanBuilder.count).toBe(cut);
    const first = spanBuilder.seal();
    for (const span of spans.slice(cut)) spanBuilder.add(span);
    const second = spanBuilder.seal();
    expect(decode(TraceRequest, first)).toEqual(decode(TraceRequest, officialSpans(spans.slice(0, cut))));
    expect(decode(TraceRequest, second)).toEqual(decode(TraceRequest, officialSpans(spans.slice(cut))));
    for (const record of logs) logBuilder.add(record);
    expect(decode(LogsRequest, logBuilder.seal())).toEqual(decode(LogsRequest, officialLogs(logs)));
    expect(spanBuilder.seal().length).toBe(0);
    expect(spanBuilder.count).toBe(0);
  });

  it('encodes spans sharing one set of connection attributes like the official encoder does their merged attributes', () => {
    const exporter = new InMemorySpanExporter();
    const tracer = new SightlineTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'shared' }),
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    }).getTracer('t');
    const shared = sharedAttributes({ 'url.scheme': 'https', 'server.port': 443, 'user_agent.original': 'curl/8 ü' });
    const start = (name: string) => {
      const span = tracer.startSpan(name) as SightlineSpan;
      span.adoptSharedAttributes(shared);
      span.setAttribute('url.path', `/${name}`);
      return span;
    };
    start('first').end();
    start('second').end();
    const overwritten = start('overwritten');
    overwritten.setAttribute('server.port', 8443);
    overwritten.end();
    const read = start('read');
    void read.attributes;
    read.end();
    const spans = exporter.getFinishedSpans();
    expect(spans[2]?.attributes['server.port']).toBe(8443);
    expect(decode(TraceRequest, encodeSpans(spans))).toEqual(decode(TraceRequest, officialSpans(spans)));
    // The shared bytes, cached after the first span, serve the later batches too.
    expect(shared.encoded).toBeInstanceOf(Uint8Array);
    expect(decode(TraceRequest, encodeSpans(spans.slice(1)))).toEqual(
      decode(TraceRequest, officialSpans(spans.slice(1))),
    );
  });

  it('keeps nothing of an item that failed to encode, and the batch stays valid', () => {
    const spans = makeSpans();
    const builder = new ProtoBatchBuilder({
      ...SPAN_CODEC,
      write: (w, span) => {
        SPAN_CODEC.write(w, span);
        if (span.name === 'child 2') throw new Error('unencodable');
      },
    });
    const kept = spans.filter((s) => s.name !== 'child 2');
    expect(kept.length).toBe(spans.length - 1);
    for (const span of spans) {
      if (span.name === 'child 2') expect(() => builder.add(span)).toThrow('unencodable');
      else builder.add(span);
    }
    expect(builder.count).toBe(kept.length);
    expect(decode(TraceRequest, builder.seal())).toEqual(decode(TraceRequest, officialSpans(kept)));
  });

  it('does not keep an outsized buffer after one huge message, and still encodes messages larger than the cap', () => {
    const w = new ProtoWriter();
    const huge = 'x'.repeat(MAX_KEPT_BYTES + 1024);
    w.string(huge);
    const out = w.finish();
    expect(out.length).toBeGreaterThan(MAX_KEPT_BYTES);
    expect(w.buf.length).toBeLessThanOrEqual(MAX_KEPT_BYTES);
    w.string(huge);
    expect(Buffer.compare(Buffer.from(w.finish()), Buffer.from(out))).toBe(0);
  });
});
