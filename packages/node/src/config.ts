// The one place where options and environment variables are read. Precedence: options > env > defaults.

import type { Signal } from './diagnostics.js';
import type { Env } from './env-reader.js';
import { Reader, validUrl } from './env-reader.js';

export type Protocol = 'grpc' | 'http/protobuf' | 'http/json';
export type ExporterKind = 'otlp' | 'console' | 'none' | 'prometheus';
export type SamplerName =
  | 'always_on'
  | 'always_off'
  | 'traceidratio'
  | 'parentbased_always_on'
  | 'parentbased_always_off'
  | 'parentbased_traceidratio';
export type PropagatorName = 'tracecontext' | 'baggage' | 'b3' | 'b3multi' | 'jaeger' | 'none';
export type DiagLevelName = 'none' | 'error' | 'warn' | 'info' | 'debug' | 'verbose' | 'all';

export interface SignalOptions {
  exporter?: ExporterKind;
  endpoint?: string;
  protocol?: Protocol;
  headers?: Record<string, string>;
  timeoutMillis?: number;
  compression?: 'gzip' | 'none';
}

export interface SightlineOptions {
  serviceName?: string;
  serviceVersion?: string;
  environment?: string;
  resourceAttributes?: Record<string, string | number | boolean>;
  endpoint?: string;
  protocol?: Protocol;
  headers?: Record<string, string>;
  timeoutMillis?: number;
  compression?: 'gzip' | 'none';
  traces?: SignalOptions;
  metrics?: SignalOptions & { exportIntervalMillis?: number };
  logs?: SignalOptions;
  sampler?: SamplerName;
  samplerArg?: number;
  /** Context propagation formats, in order (default tracecontext, baggage); `none` turns propagation off. */
  propagators?: PropagatorName[];
  instrumentations?: { enabled?: string[]; disabled?: string[] };
  /** Paths not traced; `*` at the end matches any suffix. Default: /health*, /ready*, /live*, /metrics. */
  ignoreRoutes?: string[];
  redact?: { headers?: string[]; queryParams?: string[] };
  shutdownTimeoutMillis?: number;
  logLevel?: DiagLevelName;
  strict?: boolean;
  /** Flush on SIGTERM/SIGINT (default true). */
  handleSignals?: boolean;
  disabled?: boolean;
}

export interface SignalConfig {
  exporter: ExporterKind;
  protocol: Protocol;
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
  compression: 'gzip' | 'none';
  /** PEM file paths for TLS: OTEL_EXPORTER_OTLP_[SIGNAL_]CERTIFICATE, _CLIENT_KEY, _CLIENT_CERTIFICATE. */
  tls?: { ca?: string; key?: string; cert?: string };
}

export interface BatchConfig {
  scheduledDelayMillis: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  exportTimeoutMillis: number;
}

export interface ResolvedConfig {
  disabled: boolean;
  spanBatch: BatchConfig;
  logBatch: BatchConfig;
  strict: boolean;
  serviceName: string | undefined;
  serviceVersion: string | undefined;
  environment: string | undefined;
  resourceAttributes: Record<string, string | number | boolean>;
  traces: SignalConfig;
  metrics: SignalConfig & { exportIntervalMillis: number; prometheusPort: number; prometheusHost: string };
  logs: SignalConfig;
  sampler: SamplerName;
  samplerArg: number;
  propagators: PropagatorName[];
  enabledInstrumentations: string[] | undefined;
  disabledInstrumentations: string[];
  ignoreRoutes: string[];
  redactHeaders: string[];
  redactQueryParams: string[];
  shutdownTimeoutMillis: number;
  logLevel: DiagLevelName;
  handleSignals: boolean;
}

const PROTOCOLS: readonly Protocol[] = ['grpc', 'http/protobuf', 'http/json'];
const SAMPLERS: readonly SamplerName[] = [
  'always_on',
  'always_off',
  'traceidratio',
  'parentbased_always_on',
  'parentbased_always_off',
  'parentbased_traceidratio',
];
const PROPAGATORS: readonly PropagatorName[] = ['tracecontext', 'baggage', 'b3', 'b3multi', 'jaeger', 'none'];
const LOG_LEVELS: readonly DiagLevelName[] = ['none', 'error', 'warn', 'info', 'debug', 'verbose', 'all'];
const SIGNAL_PATHS: Record<Signal, string> = { traces: '/v1/traces', metrics: '/v1/metrics', logs: '/v1/logs' };

// OTLP ingestion paths too: a process that receives telemetry must not trace its own receiving of it (feedback loop).
export const DEFAULT_IGNORE_ROUTES = [
  '/health*',
  '/ready*',
  '/live*',
  '/metrics',
  '/v1/traces',
  '/v1/metrics',
  '/v1/logs',
];
export const DEFAULT_REDACT_HEADERS = ['authorization', 'cookie', 'set-cookie', 'proxy-authorization', 'x-api-key'];
export const DEFAULT_REDACT_QUERY_PARAMS = [
  'token',
  'access_token',
  'refresh_token',
  'id_token',
  'password',
  'passwd',
  'pwd',
  'secret',
  'client_secret',
  'key',
  'api_key',
  'apikey',
  'sig',
  'signature',
  'auth',
  'code',
  'session',
];

function signalConfig(r: Reader, opts: SightlineOptions, signal: Signal): SignalConfig {
  const up = signal.toUpperCase();
  const so: SignalOptions = opts[signal] ?? {};
  const accepted: ExporterKind[] =
    signal === 'metrics' ? ['otlp', 'prometheus', 'console', 'none'] : ['otlp', 'console', 'none'];
  const envExporter = r.list(`OTEL_${up}_EXPORTER`)?.[0];
  let exporter: ExporterKind = so.exporter ?? 'otlp';
  if (!so.exporter && envExporter) {
    const v = envExporter.toLowerCase() as ExporterKind;
    if (accepted.includes(v)) exporter = v;
    else
      r.problem(
        'SIGHTLINE_ERR_SDK_EXPORTER',
        `OTEL_${up}_EXPORTER="${envExporter}" is not accepted; use one of ${accepted.join(', ')}. Using "otlp".`,
      );
  }
  const protocol: Protocol =
    so.protocol ??
    opts.protocol ??
    r.oneOf(`OTEL_EXPORTER_OTLP_${up}_PROTOCOL`, PROTOCOLS, 'grpc', 'SIGHTLINE_ERR_SDK_PROTOCOL') ??
    r.oneOf('OTEL_EXPORTER_OTLP_PROTOCOL', PROTOCOLS, 'grpc', 'SIGHTLINE_ERR_SDK_PROTOCOL') ??
    'grpc';
  const isGrpc = protocol === 'grpc';
  const defaultBase = isGrpc ? 'http://localhost:4317' : 'http://localhost:4318';
  const defaultUrl = isGrpc ? defaultBase : defaultBase + SIGNAL_PATHS[signal];
  let url: string;
  const perSignal = so.endpoint ?? r.str(`OTEL_EXPORTER_OTLP_${up}_ENDPOINT`);
  const perSignalName = so.endpoint ? `${signal}.endpoint` : `OTEL_EXPORTER_OTLP_${up}_ENDPOINT`;
  const generic = opts.endpoint ?? r.str('OTEL_EXPORTER_OTLP_ENDPOINT');
  const genericName = opts.endpoint ? 'endpoint' : 'OTEL_EXPORTER_OTLP_ENDPOINT';
  if (perSignal) url = validUrl(r, perSignalName, perSignal, defaultUrl);
  else if (generic) {
    const base = validUrl(r, genericName, generic, defaultBase);
    url = isGrpc ? base : base.replace(/\/+$/, '') + SIGNAL_PATHS[signal];
  } else url = defaultUrl;
  const headers = {
    ...(r.pairs('OTEL_EXPORTER_OTLP_HEADERS') ?? {}),
    ...(r.pairs(`OTEL_EXPORTER_OTLP_${up}_HEADERS`) ?? {}),
    ...(opts.headers ?? {}),
    ...(so.headers ?? {}),
  };
  const timeoutMillis =
    so.timeoutMillis ??
    opts.timeoutMillis ??
    r.num(`OTEL_EXPORTER_OTLP_${up}_TIMEOUT`, 10_000, 1) ??
    r.num('OTEL_EXPORTER_OTLP_TIMEOUT', 10_000, 1) ??
    10_000;
  const compression =
    so.compression ??
    opts.compression ??
    r.oneOf(
      `OTEL_EXPORTER_OTLP_${up}_COMPRESSION`,
      ['gzip', 'none'] as const,
      'none',
      'SIGHTLINE_ERR_SDK_COMPRESSION',
    ) ??
    r.oneOf('OTEL_EXPORTER_OTLP_COMPRESSION', ['gzip', 'none'] as const, 'none', 'SIGHTLINE_ERR_SDK_COMPRESSION') ??
    'none';
  const file = (name: string) => r.str(`OTEL_EXPORTER_OTLP_${up}_${name}`) ?? r.str(`OTEL_EXPORTER_OTLP_${name}`);
  const tls = { ca: file('CERTIFICATE'), key: file('CLIENT_KEY'), cert: file('CLIENT_CERTIFICATE') };
  return { exporter, protocol, url, headers, timeoutMillis, compression, tls };
}

function propagatorList(r: Reader, fromOptions: PropagatorName[] | undefined): PropagatorName[] {
  const source = fromOptions ? 'propagators' : 'OTEL_PROPAGATORS';
  const requested = fromOptions ?? r.list('OTEL_PROPAGATORS')?.map((p) => p.toLowerCase() as PropagatorName);
  if (!requested) return ['tracecontext', 'baggage'];
  const known = requested.filter((p) => PROPAGATORS.includes(p));
  for (const p of requested.filter((name) => !PROPAGATORS.includes(name))) {
    r.problem(
      'SIGHTLINE_ERR_SDK_PROPAGATOR',
      `${source} names "${p}", which is not accepted; use any of ${PROPAGATORS.join(', ')}. Ignored.`,
    );
  }
  if (known.includes('none')) return [];
  // Only unknown names given: propagating nothing would silently break traces across services.
  return known.length > 0 ? [...new Set(known)] : ['tracecontext', 'baggage'];
}

/** Merges options, environment and defaults; warns (or throws when strict) about every bad value. */
export function resolveConfig(opts: SightlineOptions = {}, env: Env = process.env): ResolvedConfig {
  const strictEnv = env.SIGHTLINE_STRICT?.trim().toLowerCase();
  const strict = opts.strict ?? (strictEnv === '1' || strictEnv === 'true');
  const disabled = opts.disabled ?? new Reader(env, strict).bool('OTEL_SDK_DISABLED') ?? false;
  // A disabled SDK does not complain about the rest of its configuration.
  const r = new Reader(env, strict, disabled);
  const batch = (prefix: string): BatchConfig => {
    const maxQueueSize = r.num(`${prefix}_MAX_QUEUE_SIZE`, 2048, 1) ?? 2048;
    let maxExportBatchSize = r.num(`${prefix}_MAX_EXPORT_BATCH_SIZE`, 512, 1) ?? 512;
    // A batch that can never fill would leave only the timer to export, at most one queue per delay (as in the SDK).
    if (maxExportBatchSize > maxQueueSize) {
      r.problem(
        'SIGHTLINE_ERR_SDK_NUMBER',
        `${prefix}_MAX_EXPORT_BATCH_SIZE=${maxExportBatchSize} is larger than ${prefix}_MAX_QUEUE_SIZE=${maxQueueSize}; it must be at most the queue size. Using ${maxQueueSize}.`,
      );
      maxExportBatchSize = maxQueueSize;
    }
    return {
      scheduledDelayMillis: r.num(`${prefix}_SCHEDULE_DELAY`, 1000, 0) ?? 1000,
      maxQueueSize,
      maxExportBatchSize,
      exportTimeoutMillis: r.num(`${prefix}_EXPORT_TIMEOUT`, 30_000, 1) ?? 30_000,
    };
  };
  const logLevel =
    opts.logLevel ?? r.oneOf('OTEL_LOG_LEVEL', LOG_LEVELS, 'warn', 'SIGHTLINE_ERR_SDK_LOG_LEVEL') ?? 'warn';
  const resourceAttributes: Record<string, string | number | boolean> = {
    ...(r.pairs('OTEL_RESOURCE_ATTRIBUTES') ?? {}),
    ...(opts.resourceAttributes ?? {}),
  };
  let sampler: SamplerName =
    opts.sampler ??
    r.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, 'parentbased_always_on', 'SIGHTLINE_ERR_SDK_SAMPLER') ??
    'parentbased_always_on';
  if (!SAMPLERS.includes(sampler)) {
    r.problem(
      'SIGHTLINE_ERR_SDK_SAMPLER',
      `sampler="${sampler}" is not accepted; use one of ${SAMPLERS.join(', ')}. Using "parentbased_always_on".`,
    );
    sampler = 'parentbased_always_on';
  }
  let samplerArg = opts.samplerArg ?? r.num('OTEL_TRACES_SAMPLER_ARG', 1, 0) ?? 1;
  if (!(samplerArg >= 0 && samplerArg <= 1)) {
    r.problem('SIGHTLINE_ERR_SDK_NUMBER', `OTEL_TRACES_SAMPLER_ARG=${samplerArg} must be between 0 and 1. Using 1.`);
    samplerArg = 1;
  }
  const metrics = signalConfig(r, opts, 'metrics');
  const propagators = propagatorList(r, opts.propagators);
  return {
    disabled,
    spanBatch: batch('OTEL_BSP'),
    logBatch: batch('OTEL_BLRP'),
    strict,
    serviceName:
      opts.serviceName ?? r.str('OTEL_SERVICE_NAME') ?? (resourceAttributes['service.name'] as string | undefined),
    serviceVersion: opts.serviceVersion ?? (resourceAttributes['service.version'] as string | undefined),
    environment:
      opts.environment ??
      (resourceAttributes['deployment.environment.name'] as string | undefined) ??
      (resourceAttributes['deployment.environment'] as string | undefined) ??
      r.str('NODE_ENV'),
    resourceAttributes,
    traces: signalConfig(r, opts, 'traces'),
    metrics: {
      ...metrics,
      exportIntervalMillis:
        opts.metrics?.exportIntervalMillis ?? r.num('OTEL_METRIC_EXPORT_INTERVAL', 60_000, 100) ?? 60_000,
      prometheusPort: r.num('OTEL_EXPORTER_PROMETHEUS_PORT', 9464, 0) ?? 9464,
      prometheusHost: r.str('OTEL_EXPORTER_PROMETHEUS_HOST') ?? '127.0.0.1',
    },
    logs: signalConfig(r, opts, 'logs'),
    sampler,
    samplerArg,
    propagators,
    enabledInstrumentations: opts.instrumentations?.enabled ?? r.list('OTEL_NODE_ENABLED_INSTRUMENTATIONS'),
    disabledInstrumentations: opts.instrumentations?.disabled ?? r.list('OTEL_NODE_DISABLED_INSTRUMENTATIONS') ?? [],
    ignoreRoutes: opts.ignoreRoutes ?? r.list('SIGHTLINE_IGNORE_ROUTES') ?? DEFAULT_IGNORE_ROUTES,
    redactHeaders: (opts.redact?.headers ?? r.list('SIGHTLINE_REDACT_HEADERS') ?? DEFAULT_REDACT_HEADERS).map((h) =>
      h.toLowerCase(),
    ),
    redactQueryParams: (
      opts.redact?.queryParams ??
      r.list('SIGHTLINE_REDACT_QUERY_PARAMS') ??
      DEFAULT_REDACT_QUERY_PARAMS
    ).map((h) => h.toLowerCase()),
    shutdownTimeoutMillis: opts.shutdownTimeoutMillis ?? r.num('SIGHTLINE_SHUTDOWN_TIMEOUT', 5000, 0) ?? 5000,
    logLevel,
    handleSignals: opts.handleSignals ?? true,
  };
}
