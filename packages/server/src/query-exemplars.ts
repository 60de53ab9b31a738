import type { JsonValue } from './otlp-values.js';
import { type AttrFilters, attrSql, msToNs, nsToMs, type TimeRange } from './query-params.js';
import type { Store } from './store.js';

export interface ExemplarQuery {
  /** Metric name. */
  name: string;
  /** Exemplars whose own time falls in the range. */
  range: TimeRange;
  service?: string;
  /** Equality filters on the data point's attributes, then its resource's. */
  attrs?: AttrFilters;
  minValue?: number;
  maxValue?: number;
  /** `time`: newest first (default); `value`: largest value first (the slowest requests of a latency histogram). */
  sort?: 'time' | 'value';
  limit: number;
}

export interface ExemplarRow {
  /** When the measurement was recorded, ms since the epoch. */
  timeMs: number;
  value: number;
  /** Hex ids of the span the measurement was recorded in ('' when it was recorded outside a sampled span). */
  traceId: string;
  spanId: string;
  /** Attributes of the measurement that the metric's view filtered out of the series. */
  filteredAttributes: Record<string, JsonValue>;
  service: string;
  /** The series the exemplar belongs to: the data point's attributes. */
  attributes: Record<string, JsonValue>;
}

/**
 * Data points carry exemplars recorded up to one export interval before the point's time; points reported this long
 * after `to` are read too, so exemplars near the end of the range are found.
 */
export const EXEMPLAR_LOOKAHEAD_MS = 10 * 60_000;

const EXEMPLAR_JSON_TYPE =
  '[{"timeUnixNano":"VARCHAR","value":"DOUBLE","traceId":"VARCHAR","spanId":"VARCHAR","filteredAttributes":"JSON"}]';

/**
 * Exemplars of one metric (sums, gauges, histograms, exponential histograms), so a reader can jump from a point of a
 * chart (a latency spike) to the trace that produced it. Cumulative series repeat an exemplar in each export; each
 * exemplar is returned once.
 */
export async function searchExemplars(store: Store, q: ExemplarQuery): Promise<ExemplarRow[]> {
  const attrs = attrSql(q.attrs ?? []);
  const fromNs = msToNs(q.range.fromMs);
  const toNs = msToNs(q.range.toMs);
  const params: unknown[] = [q.name, fromNs, msToNs(q.range.toMs + EXEMPLAR_LOOKAHEAD_MS)];
  if (q.service) params.push(q.service);
  params.push(...attrs.params, fromNs, toNs);
  const valueSql: string[] = [];
  if (q.minValue !== undefined) {
    valueSql.push('value >= ?');
    params.push(q.minValue);
  }
  if (q.maxValue !== undefined) {
    valueSql.push('value <= ?');
    params.push(q.maxValue);
  }
  params.push(q.limit);
  const rows = await store.query(
    `WITH points AS (
       SELECT service, attributes, unnest(from_json(exemplars, '${EXEMPLAR_JSON_TYPE}'), recursive := true)
       FROM metric_points
       WHERE name = ? AND exemplars IS NOT NULL AND time_ns >= ? AND time_ns < ?${q.service ? ' AND service = ?' : ''}${attrs.sql}
     ), exemplars AS (
       SELECT DISTINCT service, attributes, TRY_CAST(timeUnixNano AS BIGINT) AS time_ns, value, traceId, spanId,
         CAST(filteredAttributes AS VARCHAR) AS filtered
       FROM points
     )
     SELECT * FROM exemplars
     WHERE time_ns >= ? AND time_ns < ?${valueSql.map((s) => ` AND ${s}`).join('')}
     ORDER BY ${q.sort === 'value' ? 'value DESC, time_ns DESC' : 'time_ns DESC, value DESC'}, traceId, spanId
     LIMIT ?`,
    params as never[],
  );
  return rows.map((r) => ({
    timeMs: nsToMs(r.time_ns),
    value: Number(r.value),
    traceId: String(r.traceId ?? ''),
    spanId: String(r.spanId ?? ''),
    filteredAttributes: r.filtered ? (JSON.parse(String(r.filtered)) as Record<string, JsonValue>) : {},
    service: String(r.service),
    attributes: JSON.parse(String(r.attributes)) as Record<string, JsonValue>,
  }));
}
