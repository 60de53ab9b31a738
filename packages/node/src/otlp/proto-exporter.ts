// The span, log-record and metric exporters for `grpc` and `http/protobuf`: encode the batch with our own encoder,
// send it with retries, count what the collector rejected (partial_success) as dropped. Never throws or rejects into the
// caller; the callback gets the outcome (the caller counts failed batches as dropped).
import type { ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SignalConfig } from '../config.js';
import { recordDropped } from '../diagnostics.js';
import { parsePartialSuccess } from './export-response.js';
import { GRPC_PATHS, GrpcTransport } from './grpc-transport.js';
import { HttpTransport } from './http-transport.js';
import { encodeLogs } from './logs-encoder.js';
import { encodeMetrics } from './metrics-encoder.js';
import { type Attempt, type RetryPolicy, sendWithRetry } from './retry.js';
import { readTlsFiles } from './tls-files.js';
import { encodeSpans } from './trace-encoder.js';

export interface Transport {
  attempt: Attempt;
  close(): void;
}

type ProtoSignal = 'traces' | 'logs' | 'metrics';

const NOUN: Record<ProtoSignal, string> = { traces: 'span(s)', logs: 'log record(s)', metrics: 'data point(s)' };

/** Exports batches of type B (an array of spans or log records, or one metrics collection). */
export class OtlpProtoExporter<B> {
  private readonly pending = new Set<Promise<void>>();
  private closed = false;

  constructor(
    private readonly signal: ProtoSignal,
    private readonly encode: (batch: B) => Uint8Array,
    private readonly count: (batch: B) => number,
    private readonly transport: Transport,
    private readonly timeoutMillis: number,
    private readonly retry?: RetryPolicy,
  ) {}

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
          const partial = parsePartialSuccess(response);
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

function transportFor(signal: ProtoSignal, cfg: SignalConfig): Transport {
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
  return new HttpTransport({ url: cfg.url, headers: cfg.headers, compression: cfg.compression, tls });
}

const length = (items: readonly unknown[]): number => items.length;

/** Data points in one collection (what a collector's rejected_data_points counts). */
export function dataPointCount(rm: ResourceMetrics): number {
  let n = 0;
  for (const sm of rm.scopeMetrics) for (const m of sm.metrics) n += m.dataPoints.length;
  return n;
}

export function createProtoSpanExporter(cfg: SignalConfig, retry?: RetryPolicy): OtlpProtoExporter<ReadableSpan[]> {
  return new OtlpProtoExporter('traces', encodeSpans, length, transportFor('traces', cfg), cfg.timeoutMillis, retry);
}

export function createProtoLogExporter(cfg: SignalConfig, retry?: RetryPolicy): OtlpProtoExporter<ReadableLogRecord[]> {
  return new OtlpProtoExporter('logs', encodeLogs, length, transportFor('logs', cfg), cfg.timeoutMillis, retry);
}

export function createProtoMetricExporter(cfg: SignalConfig, retry?: RetryPolicy): OtlpProtoExporter<ResourceMetrics> {
  const transport = transportFor('metrics', cfg);
  return new OtlpProtoExporter('metrics', encodeMetrics, dataPointCount, transport, cfg.timeoutMillis, retry);
}
