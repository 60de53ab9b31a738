import { logRows } from './log-rows.js';
import { metricRows } from './metric-rows.js';
import { decodeOtlpJson, decodeOtlpProtobuf } from './otlp-json.js';
import type { LogsRequest, MetricsRequest, Signal, TracesRequest } from './otlp-proto.js';
import type { RowBatch } from './rows.js';
import { spanRows } from './span-rows.js';

/** Validates and flattens a decoded request into rows; items older than the retention window are counted as rejected. */
export function toRows(signal: Signal, message: unknown, retentionMs: number, nowMs = Date.now()): RowBatch {
  const minNs = BigInt(Math.floor(nowMs - retentionMs)) * 1_000_000n;
  if (signal === 'traces') return spanRows(message as TracesRequest, minNs);
  if (signal === 'logs') return logRows(message as LogsRequest, minNs, BigInt(nowMs) * 1_000_000n);
  return metricRows(message as MetricsRequest, minNs);
}

/** Body (protobuf or OTLP/JSON, already decompressed) → rows. Throws SightlineError (400) on anything malformed. */
export function decodeToRows(
  signal: Signal,
  body: Buffer,
  json: boolean,
  retentionMs: number,
  nowMs = Date.now(),
): RowBatch {
  const message = json ? decodeOtlpJson(signal, body.toString('utf8')) : decodeOtlpProtobuf(signal, body);
  return toRows(signal, message, retentionMs, nowMs);
}
