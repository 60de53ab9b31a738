/**
 * @sightline/server — the embedded OTLP backend behind `sightline up`.
 * startServer() runs receivers + store + query API; openStore() and the query functions read a data dir directly
 * (e.g. `sightline check` when no server runs).
 */

export { VERSION } from './api-server.js';
export { isSightlineError, SightlineError } from './errors.js';
export { parseDuration, parseSize, type ServerOptions } from './options.js';
export { toRows } from './otlp-ingest.js';
export { decodeOtlpJson, decodeOtlpProtobuf, decodeWithProtobufjs } from './otlp-json.js';
export { type ExemplarQuery, type ExemplarRow, searchExemplars } from './query-exemplars.js';
export { exportLogs, type LogApiRow, type LogFilters, searchLogs } from './query-logs.js';
export {
  listMetrics,
  type MetricInfo,
  metricLabels,
  metricSeries,
  type SeriesQuery,
  type SeriesResult,
} from './query-metrics.js';
export { type AttrFilters, parseRange, parseTime, type TimeRange } from './query-params.js';
export { listOperations, listServices, type RedPoint, type RedRow, serviceSeries } from './query-services.js';
export { exportSpans, getTrace, searchTraces, type TraceSearch, type TraceSummary } from './query-traces.js';
export { type RunningServer, startServer } from './server.js';
export { type OpenStoreOptions, openStore, type Store, storeFile } from './store.js';
