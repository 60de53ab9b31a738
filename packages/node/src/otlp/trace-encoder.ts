// ReadableSpan[] -> ExportTraceServiceRequest bytes (opentelemetry/proto/trace/v1/trace.proto,
// collector/trace/v1/trace_service.proto), written directly with no intermediate objects.
//   ExportTraceServiceRequest: 1 resource_spans.  ResourceSpans: 1 resource, 2 scope_spans, 3 schema_url.
//   ScopeSpans: 1 scope, 2 spans, 3 schema_url.
//   Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind, 7 start_time_unix_nano,
//         8 end_time_unix_nano, 9 attributes, 10 dropped_attributes_count, 11 events, 12 dropped_events_count,
//         13 links, 14 dropped_links_count, 15 status, 16 flags.
//   Event: 1 time_unix_nano, 2 name, 3 attributes, 4 dropped_attributes_count.
//   Link: 1 trace_id, 2 span_id, 3 trace_state, 4 attributes, 5 dropped_attributes_count, 6 flags.
//   Status: 2 message, 3 code.
import type { Link, SpanContext } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { SightlineSpan } from '../tracing/span.js';
import { encodeKeyValues, writeKeyValues } from './any-value.js';
import { type BatchItemCodec, ProtoBatchBuilder } from './batch-builder.js';
import type { ProtoWriter } from './proto-writer.js';

// Span and link flags: the W3C trace flags in the low byte, plus "we know whether the parent/linked context is remote".
const HAS_IS_REMOTE = 0x100;
const IS_REMOTE = 0x200;

const scopeKeys = new WeakMap<InstrumentationScope, string>();

/** Spans of scopes with the same name, version and schema URL share one ScopeSpans (as in the official encoder). */
function scopeKey(span: ReadableSpan): string {
  const scope = span.instrumentationScope;
  let key = scopeKeys.get(scope);
  if (key === undefined) {
    key = `${scope.name}@${scope.version ?? ''}:${scope.schemaUrl ?? ''}`;
    scopeKeys.set(scope, key);
  }
  return key;
}

function flags(ctx: SpanContext, isRemote: boolean | undefined): number {
  return (ctx.traceFlags & 0xff) | HAS_IS_REMOTE | (isRemote ? IS_REMOTE : 0);
}

function writeEvent(w: ProtoWriter, event: TimedEvent): void {
  w.byte(0x5a);
  const start = w.begin(1);
  w.byte(0x09);
  w.hrTime(event.time);
  w.byte(0x12);
  w.string(event.name);
  if (event.attributes) writeKeyValues(w, 0x1a, event.attributes);
  if (event.droppedAttributesCount) {
    w.byte(0x20);
    w.uint32(event.droppedAttributesCount);
  }
  w.end(start, 1);
}

function writeLink(w: ProtoWriter, link: Link): void {
  const ctx = link.context;
  w.byte(0x6a);
  const start = w.begin(1);
  w.byte(0x0a);
  w.hexBytes(ctx.traceId);
  w.byte(0x12);
  w.hexBytes(ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) {
    w.byte(0x1a);
    w.string(traceState);
  }
  if (link.attributes) writeKeyValues(w, 0x22, link.attributes);
  if (link.droppedAttributesCount) {
    w.byte(0x28);
    w.uint32(link.droppedAttributesCount);
  }
  w.byte(0x35);
  w.fixed32(flags(ctx, ctx.isRemote));
  w.end(start, 1);
}

function writeSpan(w: ProtoWriter, span: ReadableSpan): void {
  const ctx = span.spanContext();
  const parent = span.parentSpanContext;
  w.byte(0x12);
  const start = w.begin(2);
  w.byte(0x0a);
  w.hexBytes(ctx.traceId);
  w.byte(0x12);
  w.hexBytes(ctx.spanId);
  const traceState = ctx.traceState?.serialize();
  if (traceState) {
    w.byte(0x1a);
    w.string(traceState);
  }
  if (parent?.spanId) {
    w.byte(0x22);
    w.hexBytes(parent.spanId);
  }
  w.byte(0x2a);
  w.string(span.name);
  // The API's SpanKind starts at INTERNAL = 0; the protocol keeps 0 for "unspecified".
  if (span.kind != null) {
    w.byte(0x30);
    w.uint32(span.kind + 1);
  }
  w.byte(0x39);
  w.hrTime(span.startTime);
  w.byte(0x41);
  w.hrTime(span.endTime);
  const shared = span instanceof SightlineSpan ? span.sharedForEncoding() : undefined;
  if (shared === undefined) writeKeyValues(w, 0x4a, span.attributes);
  else {
    shared.encoded ??= encodeKeyValues(0x4a, shared.attributes);
    w.raw(shared.encoded);
    writeKeyValues(w, 0x4a, (span as SightlineSpan).ownAttributes());
  }
  if (span.droppedAttributesCount) {
    w.byte(0x50);
    w.uint32(span.droppedAttributesCount);
  }
  const events = span.events;
  for (const event of events) writeEvent(w, event);
  if (span.droppedEventsCount) {
    w.byte(0x60);
    w.uint32(span.droppedEventsCount);
  }
  const links = span.links;
  for (const link of links) writeLink(w, link);
  if (span.droppedLinksCount) {
    w.byte(0x70);
    w.uint32(span.droppedLinksCount);
  }
  const status = span.status;
  w.byte(0x7a);
  const statusStart = w.begin(1);
  if (status.message) {
    w.byte(0x12);
    w.string(status.message);
  }
  w.byte(0x18);
  w.uint32(status.code);
  w.end(statusStart, 1);
  // Field 16 needs a two-byte tag.
  w.byte(0x85);
  w.byte(0x01);
  w.fixed32(flags(ctx, parent?.isRemote));
  w.end(start, 2);
}

/** How spans go into a ProtoBatchBuilder. */
export const SPAN_CODEC: BatchItemCodec<ReadableSpan> = {
  write: writeSpan,
  resource: (span) => span.resource,
  scope: (span) => span.instrumentationScope,
  scopeKey,
};

const oneShot = new ProtoBatchBuilder(SPAN_CODEC);

/** Encodes spans as one ExportTraceServiceRequest. */
export function encodeSpans(spans: readonly ReadableSpan[]): Uint8Array {
  return oneShot.encode(spans);
}
