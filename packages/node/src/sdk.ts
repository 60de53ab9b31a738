// init(): composes the SDK from its individual packages (no @opentelemetry/sdk-node), registers it globally and
// installs only the instrumentations whose target packages the app has.

import type { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import { context, DiagLogLevel, diag, metrics, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { LogRecordProcessor, ReadableLogRecord, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { IMetricReader, MetricProducer, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, Sampler, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { type BatchExporter, BoundedBatcher } from './batch-processor.js';
import type { BatchConfig, ResolvedConfig, SightlineOptions, SignalConfig } from './config.js';
import { resolveConfig } from './config.js';
import { droppedTotals, setQuiet, warn } from './diagnostics.js';
import { EncodingBatcher } from './encoding-batcher.js';
import { patchEsModuleTargets } from './esm-preload.js';
import {
  createEncodedExporter,
  createLogExporter,
  createMetricExporter,
  createSpanExporter,
  encodesAsItFills,
} from './exporters.js';
import { setServerContextRunner } from './instrumentations/http-server.js';
import { HttpServerDurationMetric } from './instrumentations/http-server-duration.js';
import { esModuleTargets, installInstrumentations, isEnabled } from './instrumentations/loader.js';
import { startRuntimeMetrics } from './instrumentations/runtime-metrics.js';
import { LazyLoggerProvider } from './lazy-logger-provider.js';
import { LazyMeterProvider } from './lazy-meter-provider.js';
import { setActiveContextReader, setLogRecordSink } from './log-correlation.js';
import { type BatchItemCodec, ProtoBatchBuilder } from './otlp/batch-builder.js';
import { LOG_RECORD_CODEC } from './otlp/logs-encoder.js';
import { SPAN_CODEC } from './otlp/trace-encoder.js';
import { createPropagator } from './propagators.js';
import { buildResource } from './resource.js';
import { AlwaysOffSampler, AlwaysOnSampler, TraceIdRatioBasedSampler } from './sdk-files.js';
import { installSignalHandlers, withDeadline } from './shutdown.js';
import { ParentBasedSampler } from './tracing/parent-based-sampler.js';
import { SightlineTracerProvider } from './tracing/tracer.js';

export interface SightlineHandle {
  /** Exports everything buffered now. Never rejects. */
  forceFlush(): Promise<void>;
  /** Flushes and stops the SDK; later calls return the same promise. Never rejects. */
  shutdown(): Promise<void>;
}

/** How long after init() the metrics SDK loads when nothing needed it sooner. */
const METRICS_LOAD_DELAY_MS = 1000;

const NOOP_HANDLE: SightlineHandle = { forceFlush: () => Promise.resolve(), shutdown: () => Promise.resolve() };
let current: SightlineHandle | undefined;
let currentConfig: ResolvedConfig | undefined;

/** The configuration the running SDK resolved (undefined before init). */
export function activeConfig(): ResolvedConfig | undefined {
  return currentConfig;
}

function sampler(cfg: ResolvedConfig): Sampler {
  switch (cfg.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(cfg.samplerArg);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(cfg.samplerArg) });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

/** What the processors hand items to: a BoundedBatcher, or an EncodingBatcher for OTLP protobuf exports. */
interface Batcher<T> {
  add(item: T): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** OTLP protobuf (grpc, http/protobuf) encodes items as they are added; other exports batch the objects. */
function makeBatcher<T>(
  signal: 'traces' | 'logs',
  cfg: SignalConfig,
  opts: BatchConfig,
  codec: BatchItemCodec<T>,
  objectExporter: () => BatchExporter<T>,
): Batcher<T> {
  return encodesAsItFills(cfg)
    ? new EncodingBatcher(new ProtoBatchBuilder(codec), createEncodedExporter(signal, cfg), signal, opts)
    : new BoundedBatcher(objectExporter(), signal, opts);
}

class SpanBatchProcessor implements SpanProcessor {
  constructor(private readonly batcher: Batcher<ReadableSpan>) {}
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & 1) this.batcher.add(span);
  }
  forceFlush(): Promise<void> {
    return this.batcher.flush();
  }
  shutdown(): Promise<void> {
    return this.batcher.shutdown();
  }
}

class LogBatchProcessor implements LogRecordProcessor {
  constructor(private readonly batcher: Batcher<ReadableLogRecord>) {}
  onEmit(record: SdkLogRecord, _ctx?: Context): void {
    this.batcher.add(record as unknown as ReadableLogRecord);
  }
  forceFlush(): Promise<void> {
    return this.batcher.flush();
  }
  /** The batcher is shared with the pino path and shut down by init()'s shutdown, once. */
  shutdown(): Promise<void> {
    return this.batcher.flush();
  }
}

const DIAG_LEVELS: Record<string, DiagLogLevel> = {
  info: DiagLogLevel.INFO,
  debug: DiagLogLevel.DEBUG,
  verbose: DiagLogLevel.VERBOSE,
  all: DiagLogLevel.ALL,
};

function metricReaders(cfg: ResolvedConfig, metricProducers: MetricProducer[]): IMetricReader[] {
  const m = cfg.metrics;
  if (m.exporter === 'none') return [];
  if (m.exporter === 'prometheus') {
    const { PrometheusExporter } =
      require('@opentelemetry/exporter-prometheus') as typeof import('@opentelemetry/exporter-prometheus');
    const { addUnitSuffixes } = require('./prometheus-names.js') as typeof import('./prometheus-names.js');
    const exporter = new PrometheusExporter(
      { port: m.prometheusPort, host: m.prometheusHost, metricProducers },
      (err) => {
        if (err)
          warn(
            'SIGHTLINE_ERR_SDK_PROMETHEUS',
            `could not serve /metrics on ${m.prometheusHost}:${m.prometheusPort}: ${err.message}`,
          );
      },
    );
    // Internal, but stable across the 0.x line we pin: the serializer that renders /metrics.
    const serializer = (exporter as unknown as { _serializer?: { serialize(d: ResourceMetrics): string } })._serializer;
    if (serializer && typeof serializer.serialize === 'function') {
      const serialize = serializer.serialize.bind(serializer);
      serializer.serialize = (d: ResourceMetrics) => addUnitSuffixes(serialize(d), d);
    }
    return [exporter];
  }
  const { PeriodicExportingMetricReader } =
    require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
  return [
    new PeriodicExportingMetricReader({
      exporter: createMetricExporter(m),
      exportIntervalMillis: m.exportIntervalMillis,
      exportTimeoutMillis: Math.min(m.exportIntervalMillis, 30_000),
      metricProducers,
    }),
  ];
}

/** Starts traces, metrics and logs. Idempotent: a second call warns and returns the first handle. */
export function init(options: SightlineOptions = {}): SightlineHandle {
  return start(options, 'init').handle;
}

/**
 * `node --require @sightline/node/register`: init() from environment; an installed target package that is ES module
 * code is required and patched before the app runs (esm-preload.ts), or gets the ESM loader hook where Node cannot
 * require ES modules (only from a register entry point does either precede the app's imports).
 */
export function initFromRegister(): SightlineHandle {
  return start({}, 'require').handle;
}

/**
 * `node --import @sightline/node/register`: the same, except that ES module target packages Node cannot require() are
 * imported (esm-preload.ts) rather than hooked; resolves once every one is patched. Never rejects.
 */
export async function initFromImport(): Promise<SightlineHandle> {
  const { handle, ready } = start({}, 'import');
  await ready;
  return handle;
}

/** Who started the SDK: the app's init(), or a register entry point (--require or --import). */
type StartedBy = 'init' | 'require' | 'import';

interface Started {
  handle: SightlineHandle;
  /** Settles when the ES module target packages are patched (at once when there are none). */
  ready: Promise<void>;
}

function start(options: SightlineOptions, by: StartedBy): Started {
  const ready = Promise.resolve();
  if (current) {
    warn(
      'SIGHTLINE_ERR_SDK_ALREADY_STARTED',
      'init() was called again; the first configuration stays in effect and this call changes nothing.',
    );
    return { handle: current, ready };
  }
  const cfg = resolveConfig(options);
  setQuiet(cfg.logLevel === 'none');
  if (cfg.disabled) {
    current = NOOP_HANDLE;
    return { handle: current, ready };
  }
  currentConfig = cfg;
  const diagLevel = DIAG_LEVELS[cfg.logLevel];
  if (diagLevel !== undefined)
    diag.setLogger(
      { error: console.error, warn: console.warn, info: console.info, debug: console.debug, verbose: console.debug },
      diagLevel,
    );

  const resource = buildResource(cfg);
  const contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
  // Log correlation reads the store directly (internal field of the pinned context-async-hooks 2.12.x).
  const als = (
    contextManager as unknown as {
      _asyncLocalStorage?: {
        getStore(): Context | undefined;
        run<A extends unknown[], R>(store: Context, fn: (...args: A) => R, ...args: A): R;
      };
    }
  )._asyncLocalStorage;
  if (als && typeof als.getStore === 'function') setActiveContextReader(() => als.getStore() ?? ROOT_CONTEXT);
  // The HTTP server instrumentation enters each request's context on the same store, without context.with's layers.
  if (als && typeof als.run === 'function') {
    setServerContextRunner(
      (ctx, fn, server, req, res) => als.run(ctx, fn, server, req, res),
      () => als.getStore() ?? ROOT_CONTEXT,
    );
  }
  propagation.setGlobalPropagator(createPropagator(cfg.propagators));

  const spanProcessors: SpanProcessor[] = [];
  if (cfg.traces.exporter !== 'none') {
    const batcher = makeBatcher('traces', cfg.traces, cfg.spanBatch, SPAN_CODEC, () => createSpanExporter(cfg.traces));
    spanProcessors.push(new SpanBatchProcessor(batcher));
  }
  const tracerProvider = new SightlineTracerProvider({ resource, sampler: sampler(cfg), spanProcessors });
  trace.setGlobalTracerProvider(tracerProvider);

  const httpDuration = new HttpServerDurationMetric(resource);
  let stopRuntime = (): void => {};
  const meterProvider = new LazyMeterProvider(
    () => {
      const { MeterProvider } = require('@opentelemetry/sdk-metrics') as typeof import('@opentelemetry/sdk-metrics');
      return new MeterProvider({ resource, readers: metricReaders(cfg, [httpDuration]) });
    },
    (provider) => {
      provider
        .getMeter('@sightline/node')
        .createObservableCounter('sightline.sdk.dropped', {
          description: 'Telemetry items the SDK gave up on (queue full, export failed or timed out)',
          unit: '{item}',
        })
        .addCallback((result) => {
          const totals = droppedTotals();
          for (const signal of ['traces', 'metrics', 'logs'] as const) result.observe(totals[signal], { signal });
        });
      if (isEnabled(cfg, 'runtime-node'))
        stopRuntime = startRuntimeMetrics(provider.getMeter('@sightline/node/runtime'));
    },
  );
  metrics.setGlobalMeterProvider(meterProvider);
  // /metrics must answer as soon as the app runs; otherwise the metrics SDK loads after start-up, off the path to the
  // first served request (or earlier, with the app's first instrument or a flush).
  if (cfg.metrics.exporter === 'prometheus') meterProvider.load();
  else setTimeout(() => meterProvider.load(), METRICS_LOAD_DELAY_MS).unref();

  const logBatcher =
    cfg.logs.exporter === 'none'
      ? undefined
      : makeBatcher('logs', cfg.logs, cfg.logBatch, LOG_RECORD_CODEC, () => createLogExporter(cfg.logs));
  setLogRecordSink({
    resource,
    add: logBatcher ? (record) => logBatcher.add(record) : () => {},
    encodesOnAdd: logBatcher === undefined || logBatcher instanceof EncodingBatcher,
  });
  const loggerProvider = new LazyLoggerProvider(() => {
    const { LoggerProvider } = require('@opentelemetry/sdk-logs') as typeof import('@opentelemetry/sdk-logs');
    return new LoggerProvider({ resource, processors: logBatcher ? [new LogBatchProcessor(logBatcher)] : [] });
  });
  logs.setGlobalLoggerProvider(loggerProvider);

  // ES module target packages are patched before the app runs (esm-preload.ts).
  const esTargets = by === 'init' ? [] : esModuleTargets(cfg);
  const { uninstrument, loadedAtStart } = installInstrumentations(
    cfg,
    httpDuration,
    esTargets.map((p) => p.name),
    als as AsyncLocalStorage<Context> | undefined,
  );
  const esModulesReady = patchEsModuleTargets(esTargets, loadedAtStart, by === 'import');

  const flushAll = async (): Promise<void> => {
    await Promise.allSettled([tracerProvider.forceFlush(), loggerProvider.forceFlush(), logBatcher?.flush()]);
    await Promise.allSettled([meterProvider.forceFlush()]);
  };
  let shuttingDown: Promise<void> | undefined;
  const shutdownAll = (): Promise<void> => {
    shuttingDown ??= withDeadline(
      (async () => {
        uninstrument();
        stopRuntime();
        await Promise.allSettled([
          tracerProvider.shutdown(),
          loggerProvider.shutdown().then(() => logBatcher?.shutdown()),
        ]);
        await Promise.allSettled([meterProvider.shutdown()]);
        // The metrics SDK may have loaded just now (for the final flush), starting the runtime metrics: stop them too.
        stopRuntime();
      })(),
      cfg.shutdownTimeoutMillis,
    );
    return shuttingDown;
  };
  const removeSignals = cfg.handleSignals
    ? installSignalHandlers(flushAll, shutdownAll, cfg.shutdownTimeoutMillis)
    : () => {};
  // A script that simply ends still delivers what it recorded, and then ends: an exporter still retrying an
  // unreachable collector must not keep it alive past the deadline (unless the app has beforeExit work of its own).
  process.once('beforeExit', () => {
    const appHasBeforeExit = process.listenerCount('beforeExit') > 0;
    void shutdownAll().then(() => {
      if (!appHasBeforeExit) process.exit();
    });
  });

  current = {
    forceFlush: () => withDeadline(flushAll(), cfg.shutdownTimeoutMillis),
    shutdown: () => {
      removeSignals();
      return shutdownAll();
    },
  };
  return { handle: current, ready: esModulesReady };
}
