/**
 * @sightline/server — the embedded OTLP backend behind `sightline up`.
 * startServer() runs receivers + store + query API; openStore() and the query functions read a data dir directly
 * (e.g. `sightline check` when no server runs).
 */
export { startServer, type RunningServer } from './server.js';
export { type ServerOptions, parseDuration, parseSize } from './options.js';
export { SightlineError, isSightlineError } from './errors.js';
export { openStore, storeFile, type Store, type OpenStoreOptions } from './store.js';
export { listServices, listOperations, serviceSeries, type RedRow, type RedPoint } from './query-services.js';
export { searchTraces, getTrace, exportSpans, type TraceSearch, type TraceSummary } from './query-traces.js';
export { searchLogs, exportLogs, type LogFilters, type LogApiRow } from './query-logs.js';
export { listMetrics, metricLabels, metricSeries, type MetricInfo, type SeriesQuery, type SeriesResult } from './query-metrics.js';
export { parseRange, parseTime, type TimeRange, type AttrFilters } from './query-params.js';
export { decodeOtlpJson, decodeOtlpProtobuf, decodeWithProtobufjs } from './otlp-json.js';
export { toRows } from './otlp-ingest.js';
export { VERSION } from './api-server.js';
