/**
 * DuckDB schema. One wide table per signal, rows appended in arrival (≈ time) order so DuckDB's per-row-group
 * min/max indexes prune time ranges; service is a dictionary-compressed column; attributes are JSON text queried with
 * json_extract_string. Resource and scope are stored inline per row (they compress to almost nothing).
 * `seq` is a monotonically increasing row id used for stable cursors and the live tail. trace_id has an ART index in
 * spans and logs (point lookups stay fast at millions of rows).
 */
export const SCHEMA_VERSION = 1;

export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS sightline_meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE IF NOT EXISTS spans (
  seq BIGINT, trace_id VARCHAR, span_id VARCHAR, parent_span_id VARCHAR, trace_state VARCHAR, flags UINTEGER,
  service VARCHAR, name VARCHAR, operation VARCHAR, kind UTINYINT, start_ns BIGINT, end_ns BIGINT, duration_ns BIGINT,
  status_code UTINYINT, status_message VARCHAR, scope_name VARCHAR, scope_version VARCHAR,
  attributes VARCHAR, resource VARCHAR, events VARCHAR, links VARCHAR
);
CREATE TABLE IF NOT EXISTS logs (
  seq BIGINT, time_ns BIGINT, observed_ns BIGINT, service VARCHAR, severity_number UTINYINT, severity_text VARCHAR,
  body VARCHAR, body_is_json BOOLEAN, trace_id VARCHAR, span_id VARCHAR, flags UINTEGER,
  attributes VARCHAR, resource VARCHAR, scope_name VARCHAR, scope_version VARCHAR, event_name VARCHAR
);
CREATE TABLE IF NOT EXISTS metric_points (
  seq BIGINT, name VARCHAR, type VARCHAR, unit VARCHAR, description VARCHAR, monotonic BOOLEAN, temporality VARCHAR,
  service VARCHAR, scope_name VARCHAR, scope_version VARCHAR, attributes VARCHAR, resource VARCHAR,
  start_ns BIGINT, time_ns BIGINT, value DOUBLE, count DOUBLE, sum DOUBLE, min DOUBLE, max DOUBLE,
  bounds VARCHAR, buckets VARCHAR, quantiles VARCHAR, exemplars VARCHAR, flags UINTEGER
);
-- ART indexes make trace-by-id and logs-by-trace_id lookups independent of table size.
CREATE INDEX IF NOT EXISTS spans_trace_id ON spans (trace_id);
CREATE INDEX IF NOT EXISTS logs_trace_id ON logs (trace_id);
INSERT INTO sightline_meta VALUES ('schema_version', '${SCHEMA_VERSION}') ON CONFLICT DO NOTHING;
`;

/** Time column of each table, used by retention and time-range filters. */
export const TIME_COLUMN = { spans: 'start_ns', logs: 'time_ns', metric_points: 'time_ns' } as const;
