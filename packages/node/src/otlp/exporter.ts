// The span, log-record and metric exporters for `grpc`, `http/protobuf` and `http/json`: encode the batch with our own
// encoder, send it with retries, count what the collector rejected (partial_success) as dropped. Never throws or rejects into the
// caller; the callback gets the outcome (the caller counts failed batches as dropped).
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SignalConfig } from '../config.js';
import { recordDropped } from '../diagnostics.js';
import { countEncoded, type EncodedBatch } from '../encoding-batcher.js';
import { parsePartialSuccess } from './export-response.js';
import { GRPC_PATHS, GrpcTransport } from './grpc-transport.js';
import { HttpTransport } from './http-transport.js';
import { encodeLogsJson, encodeMetricsJson, encodeSpansJson, parseJsonPartialSuccess } from './json-encoder.js';
import { encodeLogs } from './logs-encoder.js';
import { encodeMetrics } from './metrics-encoder.js';
import { type Attempt, type RetryPolicy, sendWithRetry } from './retry.js';
import { readTlsFiles } from './tls-files.js';
import { encodeSpans } from './trace-encoder.js';

export interface Transport {
  attempt: Attempt;
  close(): void;
}

type OtlpSignal = 'traces' | 'logs' | 'metrics';

const NOUN: Record<OtlpSignal, string> = { traces: 'span(s)', logs: 'log record(s)', metrics: 'data point(s)' };

export interface OtlpExporterParts<B> {
  signal: OtlpSignal;
  encode: (batch: B) => Uint8Array;
  /** Items in a batch (spans, log records, data points): what partial_success rejections are counted against. */
  count: (batch: B) => number;
  transport: Transport;
  /** Reads partial_success from the collector's answer. */
  parse: (response: Uint8Array) => { rejected: number; errorMessage: string };
  timeoutMillis: number;
  retry?: RetryPolicy;
}

/** Exports batches of type B (an array of spans or log records, or one metrics collection). */
export class OtlpExporter<B> {
  private readonly pending = new Set<Promise<void>>();
  private closed = false;
  private readonly signal: OtlpSignal;
  private readonly encode: (batch: B) => Uint8Array;
  private readonly count: (batch: B) => number;
  private readonly transport: Transport;
  private readonly parse: OtlpExporterParts<B>['parse'];
  private readonly timeoutMillis: number;
  private readonly retry: RetryPolicy | undefined;

  constructor(parts: OtlpExporterParts<B>) {
    this.signal = parts.signal;
    this.encode = parts.encode;
    this.count = parts.count;
    this.transport = parts.transport;
    this.parse = parts.parse;
    this.timeoutMillis = parts.timeoutMillis;
    this.retry = parts.retry;
  }

  export(batch: B, done: (result: ExportResult) => void): void {
    const finish = (result: ExportResult): void => {
      try {
        done(result);
      } catch {
        // A throwing callback must not become an unhandled rejection.
      }
    };
    if (this.closed) {
      finish({ code: 1, error: new Error('SIGHTLINE_ERR_SDK_EXPORT: the exporter was shut down') });
      return;
    }
    const count = this.count(batch);
    if (count === 0) {
      finish({ code: 0 });
      return;
    }
    let body: Uint8Array;
    try {
      body = this.encode(batch);
    } catch (err) {
      finish({ code: 1, error: new Error(`SIGHTLINE_ERR_SDK_EXPORT: encoding failed: ${(err as Error).message}`) });
      return;
    }
    const sent = sendWithRetry(this.transport.attempt, body, this.timeoutMillis, this.retry)
      .then(
        (response) => {
          const partial = this.parse(response);
          if (partial.rejected > 0) {
            recordDropped(
              this.signal,
              partial.rejected,
              `SIGHTLINE_ERR_SDK_REJECTED: the collector rejected ${partial.rejected} of ${count} ${NOUN[this.signal]}${partial.errorMessage ? `: ${partial.errorMessage}` : ''}`,
            );
          }
          finish({ code: 0 });
        },
        (err: Error) => finish({ code: 1, error: err }),
      )
      .catch(() => undefined);
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  /** Waits for the exports in flight. */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.forceFlush();
    this.transport.close();
  }
}

function transportFor(signal: OtlpSignal, cfg: SignalConfig): Transport {
  const tls = new URL(cfg.url).protocol === 'https:' ? readTlsFiles(cfg.tls) : undefined;
  if (cfg.protocol === 'grpc') {
    return new GrpcTransport({
      url: cfg.url,
      path: GRPC_PATHS[signal],
      headers: cfg.headers,
      compression: cfg.compression,
      tls,
    });
  }
  return new HttpTransport({
    url: cfg.url,
    headers: cfg.headers,
    compression: cfg.compression,
    tls,
    contentType: cfg.protocol === 'http/json' ? 'application/json' : 'application/x-protobuf',
  });
}

const length = (items: readonly unknown[]): number => items.length;

/** Data points in one collection (what a collector's rejected_data_points counts). */
export function dataPointCount(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

function create<B>(
  signal: OtlpSignal,
  cfg: SignalConfig,
  encoders: { protobuf: (batch: B) => Uint8Array; json: (batch: B) => Uint8Array },
  count: (batch: B) => number,
  retry: RetryPolicy | undefined,
): OtlpExporter<B> {
  const json = cfg.protocol === 'http/json';
  return new OtlpExporter<B>({
    signal,
    encode: json ? encoders.json : encoders.protobuf,
    count,
    transport: transportFor(signal, cfg),
    parse: json ? parseJsonPartialSuccess : parsePartialSuccess,
    timeoutMillis: cfg.timeoutMillis,
    retry,
  });
}

export function createOtlpSpanExporter(cfg: SignalConfig, retry?: RetryPolicy): OtlpExporter<ReadableSpan[]> {
  return create('traces', cfg, { protobuf: encodeSpans, json: encodeSpansJson }, length, retry);
}

export function createOtlpLogExporter(cfg: SignalConfig, retry?: RetryPolicy): OtlpExporter<ReadableLogRecord[]> {
  return create('logs', cfg, { protobuf: encodeLogs, json: encodeLogsJson }, length, retry);
}

/** Batches encoded as they were filled (see encoding-batcher.ts): sent as they are, concatenated when several. */
export function createOtlpEncodedExporter(
  signal: 'traces' | 'logs',
  cfg: SignalConfig,
  retry?: RetryPolicy,
): OtlpExporter<EncodedBatch[]> {
  if (cfg.protocol === 'http/json') throw new Error('SIGHTLINE_ERR_SDK_EXPORT: pre-encoded batches are protobuf');
  return new OtlpExporter<EncodedBatch[]>({
    signal,
    encode: concatBatches,
    count: countEncoded,
    transport: transportFor(signal, cfg),
    parse: parsePartialSuccess,
    timeoutMillis: cfg.timeoutMillis,
    retry,
  });
}

/** Two Export*ServiceRequest messages back to back are one request holding both (repeated field 1 merges). */
function concatBatches(batches: EncodedBatch[]): Uint8Array {
  if (batches.length === 1) return (batches[0] as EncodedBatch).bytes;
  return Buffer.concat(batches.map((b) => b.bytes));
}

export function createOtlpMetricExporter(cfg: SignalConfig, retry?: RetryPolicy): OtlpExporter<ResourceMetrics> {
  return create('metrics', cfg, { protobuf: encodeMetrics, json: encodeMetricsJson }, dataPointCount, retry);
}
