// ReadableLogRecord[] -> ExportLogsServiceRequest bytes (opentelemetry/proto/logs/v1/logs.proto,
// collector/logs/v1/logs_service.proto), written directly with no intermediate objects.
//   ExportLogsServiceRequest: 1 resource_logs.  ResourceLogs: 1 resource, 2 scope_logs, 3 schema_url.
//   ScopeLogs: 1 scope, 2 log_records, 3 schema_url.
//   LogRecord: 1 time_unix_nano, 2 severity_number, 3 severity_text, 5 body, 6 attributes,
//              7 dropped_attributes_count, 8 flags, 9 trace_id, 10 span_id, 11 observed_time_unix_nano, 12 event_name.
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { writeAnyValue, writeKeyValues } from './any-value.js';
import { type BatchItemCodec, ProtoBatchBuilder } from './batch-builder.js';
import type { ProtoWriter } from './proto-writer.js';

/** Log records of the same scope object share one ScopeLogs (as in the official encoder). */
const scopeOf = (record: ReadableLogRecord): unknown => record.instrumentationScope;

function writeRecord(w: ProtoWriter, record: ReadableLogRecord): void {
  w.byte(0x12);
  const start = w.begin(2);
  w.byte(0x09);
  w.hrTime(record.hrTime);
  if (record.severityNumber) {
    w.byte(0x10);
    w.uint32(record.severityNumber);
  }
  if (record.severityText) {
    w.byte(0x1a);
    w.string(record.severityText);
  }
  if (record.body !== undefined) {
    w.byte(0x2a);
    const body = w.begin(1);
    writeAnyValue(w, record.body);
    w.end(body, 1);
  }
  writeKeyValues(w, 0x32, record.attributes as Record<string, unknown>);
  if (record.droppedAttributesCount) {
    w.byte(0x38);
    w.uint32(record.droppedAttributesCount);
  }
  const ctx = record.spanContext;
  if (ctx) {
    if (ctx.traceFlags) {
      w.byte(0x45);
      w.fixed32(ctx.traceFlags);
    }
    if (ctx.traceId) {
      w.byte(0x4a);
      w.hexBytes(ctx.traceId);
    }
    if (ctx.spanId) {
      w.byte(0x52);
      w.hexBytes(ctx.spanId);
    }
  }
  w.byte(0x59);
  w.hrTime(record.hrTimeObserved);
  if (record.eventName) {
    w.byte(0x62);
    w.string(record.eventName);
  }
  w.end(start, 2);
}

/** How log records go into a ProtoBatchBuilder. */
export const LOG_RECORD_CODEC: BatchItemCodec<ReadableLogRecord> = {
  write: writeRecord,
  resource: (record) => record.resource,
  scope: (record) => record.instrumentationScope,
  scopeKey: scopeOf,
};

const oneShot = new ProtoBatchBuilder(LOG_RECORD_CODEC);

/** Encodes log records as one ExportLogsServiceRequest. */
export function encodeLogs(records: readonly ReadableLogRecord[]): Uint8Array {
  return oneShot.encode(records);
}
