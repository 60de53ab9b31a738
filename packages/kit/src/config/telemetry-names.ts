/**
 * The one place that knows how the telemetry of @sightline/node looks once it reaches Prometheus/Mimir, Loki and
 * Tempo. Every generated query (dashboards, alert rules, recording rules, Grafana correlations) takes names from here.
 *
 * Translation rules (OpenTelemetry → Prometheus, as done by Alloy's otelcol.exporter.prometheus and Mimir's OTLP
 * endpoint): dots become underscores, the unit is appended (`s` → `_seconds`, `By` → `_bytes`, `1` on a gauge →
 * `_ratio`, `{…}` annotations dropped), monotonic counters get `_total`, histograms become `_bucket/_sum/_count`.
 */

/** Semantic-convention instruments, as the SDK emits them (for docs and error messages). */
export const OTEL_INSTRUMENTS = {
  httpServerDuration: 'http.server.request.duration',
  eventLoopDelayP99: 'nodejs.eventloop.delay.p99',
  eventLoopUtilization: 'nodejs.eventloop.utilization',
  gcDuration: 'v8js.gc.duration',
  heapUsed: 'v8js.memory.heap.used',
  heapSpaceSize: 'v8js.memory.heap.space.size',
  processMemory: 'process.memory.usage',
  sdkDropped: 'sightline.sdk.dropped',
} as const;

/** Prometheus/Mimir metric names. */
export const METRICS = {
  httpServerDurationBucket: 'http_server_request_duration_seconds_bucket',
  httpServerDurationSum: 'http_server_request_duration_seconds_sum',
  httpServerDurationCount: 'http_server_request_duration_seconds_count',
  eventLoopDelayP50: 'nodejs_eventloop_delay_p50_seconds',
  eventLoopDelayP90: 'nodejs_eventloop_delay_p90_seconds',
  eventLoopDelayP99: 'nodejs_eventloop_delay_p99_seconds',
  eventLoopDelayMax: 'nodejs_eventloop_delay_max_seconds',
  eventLoopUtilization: 'nodejs_eventloop_utilization_ratio',
  gcDurationBucket: 'v8js_gc_duration_seconds_bucket',
  gcDurationSum: 'v8js_gc_duration_seconds_sum',
  gcDurationCount: 'v8js_gc_duration_seconds_count',
  heapUsed: 'v8js_memory_heap_used_bytes',
  /** Semconv v8js.memory.heap.space.size (formerly v8js.memory.heap.limit): heap memory pre-allocated per space (what V8 committed, not --max-old-space-size). */
  heapSpaceSize: 'v8js_memory_heap_space_size_bytes',
  /** process.memory.usage: resident set size. */
  processMemory: 'process_memory_usage_bytes',
  sdkDropped: 'sightline_sdk_dropped_total',
  /** Tempo metrics-generator (span metrics and service graphs), remote-written to Mimir. */
  spanMetricsCalls: 'traces_spanmetrics_calls_total',
  spanMetricsLatencyBucket: 'traces_spanmetrics_latency_bucket',
  serviceGraphRequests: 'traces_service_graph_request_total',
} as const;

/** Prometheus label names. */
export const LABELS = {
  /** Copied from the resource attribute `service.name` onto every data point by the Alloy pipeline. */
  service: 'service_name',
  /** Copied from `deployment.environment.name` by the Alloy pipeline. */
  environment: 'deployment_environment',
  job: 'job',
  instance: 'instance',
  route: 'http_route',
  method: 'http_request_method',
  status: 'http_response_status_code',
  gcType: 'v8js_gc_type',
  heapSpace: 'v8js_heap_space_name',
  le: 'le',
} as const;

/** The OpenTelemetry attributes the Alloy pipeline copies onto data points so they become the labels above. */
export const PROMOTED_RESOURCE_ATTRIBUTES = {
  'service.name': 'service.name',
  'deployment.environment': 'deployment.environment.name',
} as const;

/** Loki (native OTLP ingestion): index labels and structured-metadata fields of a log record. */
export const LOKI = {
  service: 'service_name',
  environment: 'deployment_environment',
  traceId: 'trace_id',
  spanId: 'span_id',
  severityText: 'severity_text',
} as const;

/** Tempo span attributes used in TraceQL. */
export const TEMPO = {
  service: 'resource.service.name',
  environment: 'resource.deployment.environment.name',
  statusError: 'status = error',
} as const;

/**
 * Bucket boundaries (seconds) of http.server.request.duration: the semantic-convention advice the OpenTelemetry
 * SDK uses by default. A latency SLO threshold must be one of them so that `le="…"` selects an existing bucket.
 */
export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/** The `le` label value Prometheus uses for a bucket boundary (shortest float form: 0.5, 1, 2.5). */
export function leLabel(seconds: number): string {
  return String(seconds);
}
