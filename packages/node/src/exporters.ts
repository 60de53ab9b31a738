// Exporters are created on their first export, so loading gRPC/protobuf code never delays the app's start-up.
// OTLP (grpc, http/protobuf, http/json) uses our own encoders and transports (src/otlp/); `console` the SDK's console
// exporters.
import { context } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { suppressTracing } from '@opentelemetry/core';
import type { LogRecordExporter, ReadableLogRecord } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { SignalConfig } from './config.js';
import { recordDropped } from './diagnostics.js';

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

/** Builds the real exporter on first use; a failure to build is reported once and the batch counted as dropped. */
class LazyExporter<T> {
  private inner: AnyExporter<T> | undefined;
  private broken = false;
  constructor(
    private readonly make: () => AnyExporter<T>,
    private readonly signal: 'traces' | 'metrics' | 'logs',
    private readonly count: (items: T) => number,
  ) {}

  export(items: T, done: (r: ExportResult) => void): void {
    if (!this.inner && !this.broken) {
      try {
        this.inner = this.make();
      } catch (err) {
        this.broken = true;
        recordDropped(this.signal, this.count(items), `exporter failed to load: ${(err as Error).message}`);
      }
    }
    if (!this.inner) {
      done({ code: 1 });
      return;
    }
    const inner = this.inner;
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

  forceFlush(): Promise<void> {
    return this.inner?.forceFlush?.() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.inner?.shutdown() ?? Promise.resolve();
  }
}

function loadOtlp(signal: SignalName, cfg: SignalConfig): AnyExporter<never> {
  const own = require('./otlp/exporter.js') as typeof import('./otlp/exporter.js');
  const exporter =
    signal === 'traces'
      ? own.createOtlpSpanExporter(cfg)
      : signal === 'logs'
        ? own.createOtlpLogExporter(cfg)
        : own.createOtlpMetricExporter(cfg);
  return exporter as unknown as AnyExporter<never>;
}

function maker<T>(signal: SignalName, cfg: SignalConfig): () => AnyExporter<T> {
  return () => (cfg.exporter === 'console' ? loadConsole(signal) : loadOtlp(signal, cfg)) as unknown as AnyExporter<T>;
}

export function createSpanExporter(cfg: SignalConfig): SpanExporter {
  return new LazyExporter<ReadableSpan[]>(maker('traces', cfg), 'traces', (s) => s.length);
}

export function createLogExporter(cfg: SignalConfig): LogRecordExporter {
  return new LazyExporter<ReadableLogRecord[]>(maker('logs', cfg), 'logs', (l) => l.length);
}

export function createMetricExporter(cfg: SignalConfig): PushMetricExporter {
  const count = (rm: ResourceMetrics): number => rm.scopeMetrics.reduce((n, s) => n + s.metrics.length, 0);
  return new LazyExporter<ResourceMetrics>(maker('metrics', cfg), 'metrics', count) as unknown as PushMetricExporter;
}
