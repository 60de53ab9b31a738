import type { ExemplarMsg, MetricMsg, MetricsRequest, PointMsg } from './otlp-proto.js';
import { idHex, kvToObject, num64, serviceOf, timeNs, u64 } from './otlp-values.js';
import { emptyBatch, type PointRow, type RowBatch } from './rows.js';

const TEMPORALITY = ['', 'delta', 'cumulative'] as const;
const optional = (v: number | null | undefined) => (typeof v === 'number' ? v : null);

function exemplarsJson(ex: ExemplarMsg[] | undefined, path: string): string | null {
  if (!ex || ex.length === 0) return null;
  return JSON.stringify(
    ex.map((e, i) => ({
      timeUnixNano: u64(e.timeUnixNano).toString(),
      value:
        e.asInt !== undefined && e.asInt !== null && (e as { value?: string }).value === 'asInt'
          ? num64(e.asInt, true)
          : (e.asDouble ?? 0),
      traceId: idHex(e.traceId, 16, `${path}.exemplars[${i}].traceId`, false),
      spanId: idHex(e.spanId, 8, `${path}.exemplars[${i}].spanId`, false),
      filteredAttributes: kvToObject(e.filteredAttributes),
    })),
  );
}

interface MetricContext {
  service: string;
  resource: string;
  scopeName: string;
  scopeVersion: string;
}

function pointRow(m: MetricMsg, type: PointRow['type'], p: PointMsg, ctx: MetricContext, path: string): PointRow {
  const temporalityCode =
    m.sum?.aggregationTemporality ??
    m.histogram?.aggregationTemporality ??
    m.exponentialHistogram?.aggregationTemporality ??
    0;
  const row: PointRow = {
    name: m.name ?? '',
    type,
    unit: m.unit ?? '',
    description: m.description ?? '',
    monotonic: type === 'sum' ? Boolean(m.sum?.isMonotonic) : false,
    temporality: type === 'gauge' || type === 'summary' ? '' : (TEMPORALITY[temporalityCode] ?? ''),
    service: ctx.service,
    scopeName: ctx.scopeName,
    scopeVersion: ctx.scopeVersion,
    attributes: JSON.stringify(kvToObject(p.attributes)),
    resource: ctx.resource,
    startNs: timeNs(p.startTimeUnixNano, `${path}.startTimeUnixNano`),
    timeNs: timeNs(p.timeUnixNano, `${path}.timeUnixNano`),
    value: null,
    count: null,
    sum: null,
    min: null,
    max: null,
    bounds: null,
    buckets: null,
    quantiles: null,
    exemplars: exemplarsJson(p.exemplars, path),
    flags: p.flags ?? 0,
  };
  if (type === 'sum' || type === 'gauge') {
    row.value = p.value === 'asInt' ? num64(p.asInt, true) : (p.asDouble ?? 0);
  } else {
    row.count = num64(p.count);
    row.sum = optional(p.sum);
    if (type === 'histogram') {
      row.min = optional(p.min);
      row.max = optional(p.max);
      row.bounds = JSON.stringify(p.explicitBounds ?? []);
      row.buckets = JSON.stringify((p.bucketCounts ?? []).map((c) => num64(c)));
    } else if (type === 'exponential_histogram') {
      row.min = optional(p.min);
      row.max = optional(p.max);
      row.buckets = JSON.stringify({
        scale: p.scale ?? 0,
        zeroCount: num64(p.zeroCount),
        zeroThreshold: p.zeroThreshold ?? 0,
        positive: { offset: p.positive?.offset ?? 0, counts: (p.positive?.bucketCounts ?? []).map((c) => num64(c)) },
        negative: { offset: p.negative?.offset ?? 0, counts: (p.negative?.bucketCounts ?? []).map((c) => num64(c)) },
      });
    } else {
      row.quantiles = JSON.stringify((p.quantileValues ?? []).map((q) => [q.quantile ?? 0, q.value ?? 0]));
    }
  }
  return row;
}

function pointsOf(m: MetricMsg): [PointRow['type'], PointMsg[]] | undefined {
  if (m.sum) return ['sum', m.sum.dataPoints ?? []];
  if (m.gauge) return ['gauge', m.gauge.dataPoints ?? []];
  if (m.histogram) return ['histogram', m.histogram.dataPoints ?? []];
  if (m.exponentialHistogram) return ['exponential_histogram', m.exponentialHistogram.dataPoints ?? []];
  if (m.summary) return ['summary', m.summary.dataPoints ?? []];
  return undefined;
}

/** Validates and flattens an ExportMetricsServiceRequest: one row per data point, all point kinds. */
export function metricRows(req: MetricsRequest, minNs: bigint): RowBatch {
  const batch = emptyBatch();
  const rms = req.resourceMetrics ?? [];
  for (let r = 0; r < rms.length; r++) {
    const rm = rms[r]!;
    const resAttrs = kvToObject(rm.resource?.attributes);
    const base = { service: serviceOf(resAttrs), resource: JSON.stringify(resAttrs) };
    const sms = rm.scopeMetrics ?? [];
    for (let s = 0; s < sms.length; s++) {
      const sm = sms[s]!;
      const ctx: MetricContext = { ...base, scopeName: sm.scope?.name ?? '', scopeVersion: sm.scope?.version ?? '' };
      const metrics = sm.metrics ?? [];
      for (let i = 0; i < metrics.length; i++) {
        const m = metrics[i]!;
        const kind = pointsOf(m);
        if (!kind) continue; // a metric without data carries nothing to store
        const [type, points] = kind;
        for (let j = 0; j < points.length; j++) {
          const row = pointRow(
            m,
            type,
            points[j]!,
            ctx,
            `resourceMetrics[${r}].scopeMetrics[${s}].metrics[${i}].dataPoints[${j}]`,
          );
          if (row.timeNs < minNs) batch.rejected++;
          else batch.points.push(row);
        }
      }
    }
  }
  if (batch.rejected > 0)
    batch.rejectedReason = `${batch.rejected} data point(s) older than the retention window were not stored`;
  return batch;
}
