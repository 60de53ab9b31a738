import { KitError } from '../kit-error.js';
import { addAttributeValue, type MetricFamily, type MetricKind } from './metric-model.js';

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value?: OtlpAnyValue;
}
interface OtlpPoint {
  attributes?: OtlpKeyValue[];
  explicitBounds?: number[];
}
interface OtlpMetric {
  name?: string;
  unit?: string;
  description?: string;
  sum?: { isMonotonic?: boolean; dataPoints?: OtlpPoint[] };
  gauge?: { dataPoints?: OtlpPoint[] };
  histogram?: { dataPoints?: OtlpPoint[] };
  exponentialHistogram?: { dataPoints?: OtlpPoint[] };
  summary?: { dataPoints?: OtlpPoint[] };
}
interface OtlpMetricsPayload {
  resourceMetrics?: Array<{ scopeMetrics?: Array<{ metrics?: OtlpMetric[] }> }>;
}

export function otlpValueToString(value: OtlpAnyValue | undefined): string {
  if (!value) return '';
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return String(value.intValue);
  if (value.doubleValue !== undefined) return String(value.doubleValue);
  if (value.boolValue !== undefined) return String(value.boolValue);
  if (value.arrayValue) return JSON.stringify((value.arrayValue.values ?? []).map(otlpValueToString));
  return '';
}

/**
 * Reads an OTLP/JSON metrics capture: one `ExportMetricsServiceRequest` object, or JSON lines of them (what the
 * OpenTelemetry Collector's file exporter writes). Metrics with the same name are merged.
 */
export function parseOtlpMetricsJson(text: string, source = 'input'): MetricFamily[] {
  const payloads: OtlpMetricsPayload[] = [];
  const trimmed = text.trim();
  try {
    payloads.push(JSON.parse(trimmed) as OtlpMetricsPayload);
  } catch {
    trimmed.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        payloads.push(JSON.parse(line) as OtlpMetricsPayload);
      } catch {
        throw new KitError(
          'SIGHTLINE_ERR_METRICS_PARSE',
          `${source}:${i + 1}: not JSON; an OTLP capture is one OTLP/JSON ExportMetricsServiceRequest or JSON lines of them`,
        );
      }
    });
  }
  const families = new Map<string, MetricFamily>();
  for (const payload of payloads) {
    if (!payload || !Array.isArray(payload.resourceMetrics)) {
      throw new KitError(
        'SIGHTLINE_ERR_METRICS_PARSE',
        `${source}: no "resourceMetrics" array; expected OTLP/JSON metrics (ExportMetricsServiceRequest)`,
      );
    }
    for (const rm of payload.resourceMetrics) {
      for (const sm of rm.scopeMetrics ?? []) {
        for (const metric of sm.metrics ?? []) addMetric(families, metric);
      }
    }
  }
  return [...families.values()];
}

function addMetric(families: Map<string, MetricFamily>, metric: OtlpMetric): void {
  const name = metric.name ?? '';
  const [kind, points] = kindAndPoints(metric);
  let family = families.get(name);
  if (!family) {
    family = { name, form: 'otel', kind, attributes: new Map() };
    if (metric.unit) family.unit = metric.unit;
    if (metric.description) family.description = metric.description;
    families.set(name, family);
  }
  for (const point of points) {
    for (const kv of point.attributes ?? []) addAttributeValue(family, kv.key, otlpValueToString(kv.value));
    if (point.explicitBounds && point.explicitBounds.length > 0 && !family.bucketBounds) {
      family.bucketBounds = point.explicitBounds.map(Number);
    }
  }
}

function kindAndPoints(metric: OtlpMetric): [MetricKind, OtlpPoint[]] {
  if (metric.sum) return [metric.sum.isMonotonic ? 'counter' : 'updowncounter', metric.sum.dataPoints ?? []];
  if (metric.gauge) return ['gauge', metric.gauge.dataPoints ?? []];
  if (metric.histogram) return ['histogram', metric.histogram.dataPoints ?? []];
  if (metric.exponentialHistogram) return ['exponential_histogram', metric.exponentialHistogram.dataPoints ?? []];
  if (metric.summary) return ['summary', metric.summary.dataPoints ?? []];
  return ['unknown', []];
}
