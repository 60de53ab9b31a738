import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';

describe('configuration: options > environment > defaults', () => {
  it('defaults to OTLP gRPC on localhost:4317, parent-based always-on sampling and a 5 s shutdown deadline', () => {
    const cfg = resolveConfig({}, {});
    expect(cfg.traces).toMatchObject({ exporter: 'otlp', protocol: 'grpc', url: 'http://localhost:4317' });
    expect(cfg.sampler).toBe('parentbased_always_on');
    expect(cfg.shutdownTimeoutMillis).toBe(5000);
    expect(cfg.ignoreRoutes).toEqual([
      '/health*',
      '/ready*',
      '/live*',
      '/metrics',
      '/v1/traces',
      '/v1/metrics',
      '/v1/logs',
    ]);
  });

  it('appends the signal path to the generic HTTP endpoint but uses per-signal endpoints as given', () => {
    const cfg = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: 'http://logs:9999/custom',
      },
    );
    expect(cfg.traces.url).toBe('http://collector:4318/v1/traces');
    expect(cfg.metrics.url).toBe('http://collector:4318/v1/metrics');
    expect(cfg.logs.url).toBe('http://logs:9999/custom');
  });

  it('lets options win over the environment', () => {
    const cfg = resolveConfig(
      { serviceName: 'from-options', protocol: 'http/json', traces: { exporter: 'console' } },
      { OTEL_SERVICE_NAME: 'from-env', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc', OTEL_TRACES_EXPORTER: 'none' },
    );
    expect(cfg.serviceName).toBe('from-options');
    expect(cfg.traces.protocol).toBe('http/json');
    expect(cfg.traces.exporter).toBe('console');
  });

  it('reads headers, resource attributes, sampler, exporters and instrumentation lists from the standard variables', () => {
    const cfg = resolveConfig(
      {},
      {
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=a,authorization=Bearer%20t',
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'x-tenant=b',
        OTEL_RESOURCE_ATTRIBUTES: 'service.version=1.2.3,deployment.environment.name=staging',
        OTEL_TRACES_SAMPLER: 'traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_METRICS_EXPORTER: 'prometheus',
        OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pg, redis',
        OTEL_METRIC_EXPORT_INTERVAL: '15000',
      },
    );
    expect(cfg.traces.headers).toEqual({ 'x-tenant': 'b', authorization: 'Bearer t' });
    expect(cfg.metrics.headers).toEqual({ 'x-tenant': 'a', authorization: 'Bearer t' });
    expect(cfg.serviceVersion).toBe('1.2.3');
    expect(cfg.environment).toBe('staging');
    expect(cfg.sampler).toBe('traceidratio');
    expect(cfg.samplerArg).toBe(0.25);
    expect(cfg.metrics.exporter).toBe('prometheus');
    expect(cfg.metrics.exportIntervalMillis).toBe(15000);
    expect(cfg.disabledInstrumentations).toEqual(['pg', 'redis']);
  });

  it('falls back to defaults on bad values, and throws SightlineConfigError in strict mode', () => {
    const env = { OTEL_TRACES_SAMPLER: 'sometimes', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://x' };
    const cfg = resolveConfig({ logLevel: 'none' }, env);
    expect(cfg.sampler).toBe('parentbased_always_on');
    expect(cfg.traces.url).toBe('http://localhost:4317');
    expect(() => resolveConfig({ strict: true }, env)).toThrow(
      /SIGHTLINE_ERR_SDK_SAMPLER: OTEL_TRACES_SAMPLER="sometimes"/,
    );
    expect(() => resolveConfig({}, { ...env, SIGHTLINE_STRICT: '1' })).toThrowError(
      expect.objectContaining({ code: 'SIGHTLINE_ERR_SDK_SAMPLER' }),
    );
  });

  it('limits the export batch to the queue size, naming both variables (a larger batch could never fill)', () => {
    const env = { OTEL_BSP_MAX_QUEUE_SIZE: '100', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '512' };
    const cfg = resolveConfig({ logLevel: 'none' }, env);
    expect(cfg.spanBatch.maxQueueSize).toBe(100);
    expect(cfg.spanBatch.maxExportBatchSize).toBe(100);
    expect(cfg.logBatch.maxExportBatchSize).toBe(512);
    expect(() => resolveConfig({ strict: true }, env)).toThrow(
      /SIGHTLINE_ERR_SDK_NUMBER: OTEL_BSP_MAX_EXPORT_BATCH_SIZE=512 is larger than OTEL_BSP_MAX_QUEUE_SIZE=100/,
    );
    const ok = resolveConfig(
      { strict: true },
      { OTEL_BLRP_MAX_QUEUE_SIZE: '64', OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: '64' },
    );
    expect(ok.logBatch.maxExportBatchSize).toBe(64);
  });

  it('reads OTEL_PROPAGATORS: listed formats in order, none turns propagation off, unknown names are dropped', () => {
    expect(resolveConfig({}, {}).propagators).toEqual(['tracecontext', 'baggage']);
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'B3Multi, tracecontext' }).propagators).toEqual([
      'b3multi',
      'tracecontext',
    ]);
    expect(resolveConfig({}, { OTEL_PROPAGATORS: 'tracecontext,none' }).propagators).toEqual([]);
    expect(resolveConfig({ propagators: ['jaeger'] }, { OTEL_PROPAGATORS: 'b3' }).propagators).toEqual(['jaeger']);
    expect(() => resolveConfig({ strict: true }, { OTEL_PROPAGATORS: 'xray' })).toThrow(
      /SIGHTLINE_ERR_SDK_PROPAGATOR: OTEL_PROPAGATORS names "xray"/,
    );
  });
});
