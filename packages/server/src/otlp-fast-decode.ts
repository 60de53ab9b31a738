import { anyValue, attrsField, keyValue } from './otlp-fast-values.js';
import type { LogMsg, LogsRequest, Scope, SpanMsg, TracesRequest } from './otlp-proto.js';
import type { AttrMap } from './otlp-values.js';
import { EMPTY, expect, message, Reader, sub } from './protobuf-reader.js';

/**
 * Hand-written protobuf decoder for the hot path (ExportTraceServiceRequest, ExportLogsServiceRequest). It yields the
 * same message shapes as protobufjs (so span-rows/log-rows are shared) but decodes strings natively, reads fixed64 as
 * bigint instead of allocating Long objects, and checks every length against its enclosing message. Unknown fields
 * are skipped; a known field with the wrong wire type, a truncated field or a length past its message is rejected.
 * Wire reading: protobuf-reader.ts; AnyValue/KeyValue: otlp-fast-values.ts. test/fast-decode.test.ts checks it
 * against protobufjs on random valid messages.
 */
function resource(r: Reader, end: number) {
  const attributes: AttrMap = {};
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), attrsField(r, end, attributes);
    else r.skip(w, end);
  });
  return { attributes };
}

function scope(r: Reader, end: number): Scope {
  const s: Scope = { name: '', version: '', attributes: [] };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), (s.name = r.cachedString(end));
    else if (f === 2) expect(w, 2, f), (s.version = r.cachedString(end));
    else if (f === 3) expect(w, 2, f), s.attributes!.push(sub(r, end, (r, e) => keyValue(r, e, 0)));
    else r.skip(w, end);
  });
  return s;
}

function span(r: Reader, end: number): SpanMsg {
  const s: SpanMsg = {
    traceId: EMPTY,
    spanId: EMPTY,
    traceState: '',
    parentSpanId: EMPTY,
    flags: 0,
    name: '',
    kind: 0,
    startTimeUnixNano: 0n,
    endTimeUnixNano: 0n,
    attributes: {} as AttrMap,
    events: [],
    links: [],
    status: null,
  };
  message(r, end, (r, f, w, end) => {
    switch (f) {
      case 1:
        expect(w, 2, f);
        s.traceId = r.bytes(end);
        break;
      case 2:
        expect(w, 2, f);
        s.spanId = r.bytes(end);
        break;
      case 3:
        expect(w, 2, f);
        s.traceState = r.string(end);
        break;
      case 4:
        expect(w, 2, f);
        s.parentSpanId = r.bytes(end);
        break;
      case 16:
        expect(w, 5, f);
        s.flags = r.fixed32(end);
        break;
      case 5:
        expect(w, 2, f);
        s.name = r.cachedString(end);
        break;
      case 6:
        expect(w, 0, f);
        s.kind = r.varint(end) | 0;
        break;
      case 7:
        expect(w, 1, f);
        s.startTimeUnixNano = r.fixed64(end);
        break;
      case 8:
        expect(w, 1, f);
        s.endTimeUnixNano = r.fixed64(end);
        break;
      case 9:
        expect(w, 2, f);
        attrsField(r, end, s.attributes as AttrMap);
        break;
      case 11:
        expect(w, 2, f);
        s.events!.push(sub(r, end, event));
        break;
      case 13:
        expect(w, 2, f);
        s.links!.push(sub(r, end, link));
        break;
      case 15:
        expect(w, 2, f);
        s.status = sub(r, end, status);
        break;
      default:
        r.skip(w, end);
    }
  });
  return s;
}

function event(r: Reader, end: number) {
  const e = { timeUnixNano: 0n as bigint, name: '', attributes: {} as AttrMap };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 1, f), (e.timeUnixNano = r.fixed64(end));
    else if (f === 2) expect(w, 2, f), (e.name = r.cachedString(end));
    else if (f === 3) expect(w, 2, f), attrsField(r, end, e.attributes);
    else r.skip(w, end);
  });
  return e;
}

function link(r: Reader, end: number) {
  const l = {
    traceId: EMPTY as Uint8Array,
    spanId: EMPTY as Uint8Array,
    traceState: '',
    attributes: {} as AttrMap,
    flags: 0,
  };
  message(r, end, (r, f, w, end) => {
    if (f === 1) expect(w, 2, f), (l.traceId = r.bytes(end));
    else if (f === 2) expect(w, 2, f), (l.spanId = r.bytes(end));
    else if (f === 3) expect(w, 2, f), (l.traceState = r.string(end));
    else if (f === 4) expect(w, 2, f), attrsField(r, end, l.attributes);
    else if (f === 6) expect(w, 5, f), (l.flags = r.fixed32(end));
    else r.skip(w, end);
  });
  return l;
}

function status(r: Reader, end: number) {
  const s = { message: '', code: 0 };
  message(r, end, (r, f, w, end) => {
    if (f === 2) expect(w, 2, f), (s.message = r.string(end));
    else if (f === 3) expect(w, 0, f), (s.code = r.varint(end) | 0);
    else r.skip(w, end);
  });
  return s;
}

function logRecord(r: Reader, end: number): LogMsg {
  const l: LogMsg = {
    timeUnixNano: 0n,
    observedTimeUnixNano: 0n,
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {} as AttrMap,
    flags: 0,
    traceId: EMPTY,
    spanId: EMPTY,
    eventName: '',
  };
  message(r, end, (r, f, w, end) => {
    switch (f) {
      case 1:
        expect(w, 1, f);
        l.timeUnixNano = r.fixed64(end);
        break;
      case 11:
        expect(w, 1, f);
        l.observedTimeUnixNano = r.fixed64(end);
        break;
      case 2:
        expect(w, 0, f);
        l.severityNumber = r.varint(end) | 0;
        break;
      case 3:
        expect(w, 2, f);
        l.severityText = r.cachedString(end);
        break;
      case 5:
        expect(w, 2, f);
        l.body = sub(r, end, (r, e) => anyValue(r, e, 0));
        break;
      case 6:
        expect(w, 2, f);
        attrsField(r, end, l.attributes as AttrMap);
        break;
      case 8:
        expect(w, 5, f);
        l.flags = r.fixed32(end);
        break;
      case 9:
        expect(w, 2, f);
        l.traceId = r.bytes(end);
        break;
      case 10:
        expect(w, 2, f);
        l.spanId = r.bytes(end);
        break;
      case 12:
        expect(w, 2, f);
        l.eventName = r.string(end);
        break;
      default:
        r.skip(w, end);
    }
  });
  return l;
}

/** Generic ResourceX → ScopeX → items walker shared by traces and logs. */
function resourceList<T>(r: Reader, end: number, itemField: number, item: (r: Reader, e: number) => T) {
  const out: { resource: { attributes: AttrMap } | null; scopes: { scope: Scope | null; items: T[] }[] }[] = [];
  message(r, end, (r, f, w, end) => {
    if (f !== 1) return r.skip(w, end);
    expect(w, 2, f);
    const rs = {
      resource: null as { attributes: AttrMap } | null,
      scopes: [] as { scope: Scope | null; items: T[] }[],
    };
    sub(r, end, (r, e) =>
      message(r, e, (r, f2, w2, e2) => {
        if (f2 === 1) expect(w2, 2, f2), (rs.resource = sub(r, e2, resource));
        else if (f2 === 2) {
          expect(w2, 2, f2);
          const ss = { scope: null as Scope | null, items: [] as T[] };
          sub(r, e2, (r, e3) =>
            message(r, e3, (r, f3, w3, e4) => {
              if (f3 === 1) expect(w3, 2, f3), (ss.scope = sub(r, e4, scope));
              else if (f3 === itemField) expect(w3, 2, f3), ss.items.push(sub(r, e4, item));
              else r.skip(w3, e4);
            }),
          );
          rs.scopes.push(ss);
        } else r.skip(w2, e2);
      }),
    );
    out.push(rs);
  });
  return out;
}

export function fastDecodeTraces(body: Buffer): TracesRequest {
  const r = new Reader(body);
  const list = resourceList(r, body.length, 2, span);
  return {
    resourceSpans: list.map((rs) => ({
      resource: rs.resource,
      scopeSpans: rs.scopes.map((s) => ({ scope: s.scope, spans: s.items })),
    })),
  };
}

export function fastDecodeLogs(body: Buffer): LogsRequest {
  const r = new Reader(body);
  const list = resourceList(r, body.length, 2, logRecord);
  return {
    resourceLogs: list.map((rl) => ({
      resource: rl.resource,
      scopeLogs: rl.scopes.map((s) => ({ scope: s.scope, logRecords: s.items })),
    })),
  };
}
