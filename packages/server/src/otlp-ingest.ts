import type { DecodePool } from './decode-pool.js';
import type { Forwarder } from './forwarder.js';
import type { IngestQueue } from './ingest-queue.js';
import { decodeOtlpJson } from './otlp-json.js';
import { REJECTED_FIELD, REQUEST_TYPES, RESPONSE_TYPES, type Signal } from './otlp-proto.js';
import { decodeToRows } from './request-rows.js';
import type { RowBatch } from './rows.js';

export interface IngestResult {
  rejected: number;
  errorMessage: string;
}

/** What both receivers call: decode + validate + flatten a request body, wait for its commit, tee it upstream. */
export interface Ingestor {
  ingestBody(signal: Signal, body: Buffer, json: boolean): Promise<IngestResult>;
}

const POOL_MIN_BYTES = 32 * 1024;

export { toRows } from './request-rows.js';

export function createIngestor(
  queue: IngestQueue,
  retentionMs: number,
  forwarder?: Forwarder,
  pool?: DecodePool,
): Ingestor {
  return {
    async ingestBody(signal, body, json) {
      queue.assertAccepting();
      // Large bodies are decoded on worker threads (the main thread keeps appending and answering); small ones inline.
      let batch: RowBatch;
      queue.decodeStarted();
      try {
        batch =
          pool && body.length >= POOL_MIN_BYTES
            ? await pool.decode(signal, body, json, retentionMs)
            : decodeToRows(signal, body, json, retentionMs);
      } finally {
        queue.decodeEnded();
      }
      await queue.submit(batch);
      if (forwarder) {
        const type = REQUEST_TYPES[signal];
        forwarder.enqueue(
          signal,
          json ? type.encode(type.fromObject(decodeOtlpJson(signal, body.toString('utf8')) as object)).finish() : body,
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
