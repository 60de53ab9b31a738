import type { Forwarder } from './forwarder.js';
import type { IngestQueue } from './ingest-queue.js';
import { logRows } from './log-rows.js';
import { metricRows } from './metric-rows.js';
import {
  type LogsRequest,
  type MetricsRequest,
  REJECTED_FIELD,
  REQUEST_TYPES,
  RESPONSE_TYPES,
  type Signal,
  type TracesRequest,
} from './otlp-proto.js';
import type { RowBatch } from './rows.js';
import { spanRows } from './span-rows.js';

export interface IngestResult {
  rejected: number;
  errorMessage: string;
}

/** What both receivers call: validate + flatten a decoded request, wait for its commit, tee it upstream. */
export interface Ingestor {
  ingest(signal: Signal, message: unknown, rawProtobuf?: Uint8Array): Promise<IngestResult>;
}

export function toRows(signal: Signal, message: unknown, retentionMs: number, nowMs = Date.now()): RowBatch {
  const minNs = BigInt(Math.floor(nowMs - retentionMs)) * 1_000_000n;
  if (signal === 'traces') return spanRows(message as TracesRequest, minNs);
  if (signal === 'logs') return logRows(message as LogsRequest, minNs, BigInt(nowMs) * 1_000_000n);
  return metricRows(message as MetricsRequest, minNs);
}

export function createIngestor(queue: IngestQueue, retentionMs: number, forwarder?: Forwarder): Ingestor {
  return {
    async ingest(signal, message, rawProtobuf) {
      const batch = toRows(signal, message, retentionMs);
      await queue.submit(batch);
      if (forwarder) {
        forwarder.enqueue(
          signal,
          rawProtobuf ?? REQUEST_TYPES[signal].encode(REQUEST_TYPES[signal].fromObject(message as object)).finish(),
        );
      }
      return { rejected: batch.rejected, errorMessage: batch.rejectedReason };
    },
  };
}

/** Export…ServiceResponse as a plain object (partial_success only when something was rejected). */
export function responseObject(signal: Signal, result: IngestResult): Record<string, unknown> {
  if (result.rejected === 0) return {};
  return { partialSuccess: { [REJECTED_FIELD[signal]]: result.rejected, errorMessage: result.errorMessage } };
}

export function responseProtobuf(signal: Signal, result: IngestResult): Uint8Array {
  const type = RESPONSE_TYPES[signal];
  return type.encode(type.fromObject(responseObject(signal, result))).finish();
}

/** OTLP/JSON response: int64 counters as strings per the JSON mapping. */
export function responseJson(signal: Signal, result: IngestResult): string {
  if (result.rejected === 0) return '{}';
  return JSON.stringify({
    partialSuccess: { [REJECTED_FIELD[signal]]: String(result.rejected), errorMessage: result.errorMessage },
  });
}
