// Exporters are created on their first export, so loading gRPC/protobuf code never delays the app's start-up.
// OTLP (grpc, http/protobuf, http/json) uses our own encoders and transports (src/otlp/); `console` the SDK's console
// exporters.
import { context } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { BatchExporter } from './batch-processor.js';
import type { SignalConfig } from './config.js';
import { recordDropped } from './diagnostics.js';
import { countEncoded, type EncodedBatch } from './encoding-batcher.js';
import { suppressTracing } from './sdk-files.js';

interface AnyExporter<T> {
  export(items: T, done: (r: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

type SignalName = 'traces' | 'metrics' | 'logs';

function loadConsole(signal: SignalName): AnyExporter<never> {
  if (signal === 'traces') {
    const { ConsoleSpanExporter } =
      require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
    return new ConsoleSpanExporter() as unknown as AnyExporter<never>;
  }
  if (signal === 'logs') {
    const { ConsoleLogRecordExporter } = require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
    return new ConsoleLogRecordExporter() as unknown as AnyExporter<never>;
  }
  const { ConsoleMetricExporter } =
    require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  return new ConsoleMetricExporter() as unknown as AnyExporter<never>;
}

/**
 * Builds the real exporter on first use (loading is asynchronous: our OTLP module is imported then, so an app that
 * never exports never loads it); a failure to build is reported once and its batches are counted as dropped.
 */
class LazyExporter<T> {
  private inner: AnyExporter<T> | undefined;
  private loading: Promise<void> | undefined;
  private loadError: Error | undefined;
  constructor(
    private readonly make: () => Promise<AnyExporter<T>>,
    private readonly signal: 'traces' | 'metrics' | 'logs',
    private readonly count: (items: T) => number,
  ) {}

  private load(): Promise<void> {
    this.loading ??= this.make().then(
      (exporter) => {
        this.inner = exporter;
      },
      (err: unknown) => {
        this.loadError = err instanceof Error ? err : new Error(String(err));
      },
    );
    return this.loading;
  }

  export(items: T, done: (r: ExportResult) => void): void {
    if (this.inner) {
      this.send(this.inner, items, done);
      return;
    }
    if (this.loadError) {
      recordDropped(this.signal, this.count(items), `exporter failed to load: ${this.loadError.message}`);
      done({ code: 1, error: this.loadError });
      return;
    }
    // Never a rejection: export() itself does not throw, and a throwing callback must not surface as one either.
    this.load()
      .then(() => this.export(items, done))
      .catch(() => undefined);
  }

  private send(inner: AnyExporter<T>, items: T, done: (r: ExportResult) => void): void {
    try {
      // Exports must not trace themselves (the HTTP client instrumentation would see the OTLP request).
      context.with(suppressTracing(context.active()), () =>
        inner.export(items, (result) => {
          if (result.code !== 0) {
            recordDropped(this.signal, this.count(items), `export failed: ${result.error?.message ?? 'unknown error'}`);
          }
          done(result);
        }),
      );
    } catch (err) {
      recordDropped(this.signal, this.count(items), `export threw: ${(err as Error).message}`);
      done({ code: 1, error: err as Error });
    }
  }

  async forceFlush(): Promise<void> {
    if (this.loading) await this.loading;
    await this.inner?.forceFlush?.();
  }

  async shutdown(): Promise<void> {
    if (this.loading) await this.loading;
    await this.inner?.shutdown();
  }
}

async function loadOtlp(signal: SignalName, cfg: SignalConfig): Promise<AnyExporter<never>> {
  // import(), not require(): the same line loads dist/otlp/exporter.js in the package and the TypeScript source in tests.
  const own = await import('./otlp/exporter.js');
  const exporter =
    signal === 'traces'
      ? own.createOtlpSpanExporter(cfg)
      : signal === 'logs'
        ? own.createOtlpLogExporter(cfg)
        : own.createOtlpMetricExporter(cfg);
  return exporter as unknown as AnyExporter<never>;
}

function maker<T>(signal: SignalName, cfg: SignalConfig): () => Promise<AnyExporter<T>> {
  return async () =>
    (cfg.exporter === 'console' ? loadConsole(signal) : await loadOtlp(signal, cfg)) as unknown as AnyExporter<T>;
}

export function createSpanExporter(cfg: SignalConfig): SpanExporter {
  return new LazyExporter<ReadableSpan[]>(maker('traces', cfg), 'traces', (s) => s.length);
}

export function createLogExporter(cfg: SignalConfig): LogRecordExporter {
  return new LazyExporter<ReadableLogRecord[]>(maker('logs', cfg), 'logs', (l) => l.length);
}

/** For batches the SDK encoded itself as they filled (OTLP protobuf over grpc or http). */
export function createEncodedExporter(signal: 'traces' | 'logs', cfg: SignalConfig): BatchExporter<EncodedBatch> {
  const make = async (): Promise<AnyExporter<EncodedBatch[]>> => {
    const own = await import('./otlp/exporter.js');
    return own.createOtlpEncodedExporter(signal, cfg);
  };
  return new LazyExporter<EncodedBatch[]>(make, signal, countEncoded);
}

/** Whether a signal's batches are encoded as they fill (createEncodedExporter) rather than at export time. */
export function encodesAsItFills(cfg: SignalConfig): boolean {
  return cfg.exporter === 'otlp' && cfg.protocol !== 'http/json';
}

export function createMetricExporter(cfg: SignalConfig): PushMetricExporter {
  const count = (rm: ResourceMetrics): number => rm.scopeMetrics.reduce((n, s) => n + s.metrics.length, 0);
  return new LazyExporter<ResourceMetrics>(maker('metrics', cfg), 'metrics', count) as unknown as PushMetricExporter;
}
