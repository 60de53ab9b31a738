// ResourceMetrics -> ExportMetricsServiceRequest bytes (opentelemetry/proto/metrics/v1/metrics.proto,
// collector/metrics/v1/metrics_service.proto), written directly with no intermediate objects.
//   ExportMetricsServiceRequest: 1 resource_metrics.  ResourceMetrics: 1 resource, 2 scope_metrics, 3 schema_url.
//   ScopeMetrics: 1 scope, 2 metrics, 3 schema_url.
//   Metric: 1 name, 2 description, 3 unit, 5 gauge, 7 sum, 9 histogram, 10 exponential_histogram.
//   Gauge: 1 data_points.  Sum: 1 data_points, 2 aggregation_temporality, 3 is_monotonic.
//   Histogram / ExponentialHistogram: 1 data_points, 2 aggregation_temporality.
//   NumberDataPoint: 2 start_time_unix_nano, 3 time_unix_nano, 4 as_double, 6 as_int (sfixed64), 7 attributes.
//   HistogramDataPoint: 2 start, 3 time, 4 count (fixed64), 5 sum, 6 bucket_counts (packed fixed64),
//                       7 explicit_bounds (packed double), 9 attributes, 11 min, 12 max.
//   ExponentialHistogramDataPoint: 1 attributes, 2 start, 3 time, 4 count, 5 sum, 6 scale (sint32), 7 zero_count,
//                       8 positive, 9 negative (Buckets: 1 offset (sint32), 2 bucket_counts (packed uint64)),
//                       12 min, 13 max.
import type {
  DataPoint,
  ExponentialHistogram,
  Histogram,
  MetricData,
  ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { writeKeyValues } from './any-value.js';
import { ProtoWriter } from './proto-writer.js';
import { resourceField, scopeField } from './resource-scope.js';

// sdk-metrics enums as numbers (DataPointType, AggregationTemporality, ValueType), so nothing is loaded for them.
const HISTOGRAM = 0;
const EXPONENTIAL_HISTOGRAM = 1;
const GAUGE = 2;
const SUM = 3;
const VALUE_TYPE_INT = 0;

const TWO_32 = 4294967296;
const writer = new ProtoWriter();

/** SDK temporality (DELTA 0, CUMULATIVE 1) to the protocol's (DELTA 1, CUMULATIVE 2). */
function writeTemporality(w: ProtoWriter, temporality: number): void {
  if (temporality === 0 || temporality === 1) {
    w.byte(0x10);
    w.byte(temporality + 1);
  }
}

/** A non-negative count as fixed64. */
function writeCount(w: ProtoWriter, n: number): void {
  w.fixed64(n % TWO_32, Math.floor(n / TWO_32));
}

/** An integral value as sfixed64 (two's complement for negatives). */
function writeSfixed64(w: ProtoWriter, value: number): void {
  if (value >= 0) {
    writeCount(w, value);
    return;
  }
  const abs = -value;
  let lo = abs % TWO_32;
  let hi = Math.floor(abs / TWO_32);
  lo = (~lo + 1) >>> 0;
  hi = (~hi + (lo === 0 ? 1 : 0)) >>> 0;
  w.fixed64(lo, hi);
}

function writeNumberPoint(w: ProtoWriter, point: DataPoint<number>, isInt: boolean): void {
  w.byte(0x0a);
  const start = w.begin(1);
  w.byte(0x11);
  w.hrTime(point.startTime);
  w.byte(0x19);
  w.hrTime(point.endTime);
  if (isInt) {
    w.byte(0x31);
    writeSfixed64(w, Math.trunc(point.value));
  } else {
    w.byte(0x21);
    w.double(point.value);
  }
  writeKeyValues(w, 0x3a, point.attributes as Record<string, unknown>);
  w.end(start, 1);
}

/** Field 7 (explicit_bounds, packed doubles) per boundaries array: every point of a histogram shares one. */
const boundsCache = new WeakMap<readonly number[], Buffer>();
function boundsField(bounds: readonly number[]): Buffer {
  let bytes = boundsCache.get(bounds);
  if (bytes === undefined) {
    const len = bounds.length * 8;
    const lenBytes: number[] = [];
    let v = len;
    while (v > 0x7f) {
      lenBytes.push((v & 0x7f) | 0x80);
      v >>>= 7;
    }
    lenBytes.push(v);
    bytes = Buffer.allocUnsafe(1 + lenBytes.length + len);
    bytes[0] = 0x3a;
    Buffer.from(lenBytes).copy(bytes, 1);
    let p = 1 + lenBytes.length;
    for (const b of bounds) p = bytes.writeDoubleLE(b, p);
    boundsCache.set(bounds, bytes);
  }
  return bytes;
}

function writeHistogramPoint(w: ProtoWriter, point: DataPoint<Histogram>): void {
  const h = point.value;
  w.byte(0x0a);
  const start = w.begin(2);
  w.byte(0x11);
  w.hrTime(point.startTime);
  w.byte(0x19);
  w.hrTime(point.endTime);
  w.byte(0x21);
  writeCount(w, h.count);
  if (h.sum !== undefined) {
    w.byte(0x29);
    w.double(h.sum);
  }
  const counts = h.buckets.counts;
  if (counts.length > 0) {
    w.byte(0x32);
    w.uint32(counts.length * 8);
    w.ensure(counts.length * 8);
    const buf = w.buf;
    let p = w.pos;
    // Byte stores by hand: Buffer#writeUInt32LE's range checks cost more than the counts themselves.
    for (const c of counts) {
      const lo = c >>> 0;
      const hi = c < TWO_32 ? 0 : Math.floor(c / TWO_32) >>> 0;
      buf[p] = lo & 0xff;
      buf[p + 1] = (lo >>> 8) & 0xff;
      buf[p + 2] = (lo >>> 16) & 0xff;
      buf[p + 3] = lo >>> 24;
      buf[p + 4] = hi & 0xff;
      buf[p + 5] = (hi >>> 8) & 0xff;
      buf[p + 6] = (hi >>> 16) & 0xff;
      buf[p + 7] = hi >>> 24;
      p += 8;
    }
    w.pos = p;
  }
  if (h.buckets.boundaries.length > 0) w.raw(boundsField(h.buckets.boundaries));
  writeKeyValues(w, 0x4a, point.attributes as Record<string, unknown>);
  if (h.min !== undefined) {
    w.byte(0x59);
    w.double(h.min);
  }
  if (h.max !== undefined) {
    w.byte(0x61);
    w.double(h.max);
  }
  w.end(start, 2);
}

function writeBuckets(w: ProtoWriter, tag: number, offset: number, counts: readonly number[]): void {
  w.byte(tag);
  const start = w.begin(1);
  if (offset !== 0) {
    w.byte(0x08);
    w.uint32((offset << 1) ^ (offset >> 31)); // zigzag
  }
  if (counts.length > 0) {
    w.byte(0x12);
    const packed = w.begin(1);
    for (const c of counts) w.int64(c);
    w.end(packed, 1);
  }
  w.end(start, 1);
}

function writeExponentialPoint(w: ProtoWriter, point: DataPoint<ExponentialHistogram>): void {
  const h = point.value;
  w.byte(0x0a);
  const start = w.begin(2);
  writeKeyValues(w, 0x0a, point.attributes as Record<string, unknown>);
  w.byte(0x11);
  w.hrTime(point.startTime);
  w.byte(0x19);
  w.hrTime(point.endTime);
  w.byte(0x21);
  writeCount(w, h.count);
  if (h.sum !== undefined) {
    w.byte(0x29);
    w.double(h.sum);
  }
  if (h.scale !== 0) {
    w.byte(0x30);
    w.uint32((h.scale << 1) ^ (h.scale >> 31));
  }
  w.byte(0x39);
  writeCount(w, h.zeroCount);
  writeBuckets(w, 0x42, h.positive.offset, h.positive.bucketCounts);
  writeBuckets(w, 0x4a, h.negative.offset, h.negative.bucketCounts);
  if (h.min !== undefined) {
    w.byte(0x61);
    w.double(h.min);
  }
  if (h.max !== undefined) {
    w.byte(0x69);
    w.double(h.max);
  }
  w.end(start, 2);
}

function writeMetric(w: ProtoWriter, metric: MetricData): void {
  const d = metric.descriptor;
  w.byte(0x12);
  const start = w.begin(2);
  w.byte(0x0a);
  w.string(d.name);
  if (d.description) {
    w.byte(0x12);
    w.string(d.description);
  }
  if (d.unit) {
    w.byte(0x1a);
    w.string(d.unit);
  }
  const type = metric.dataPointType as number;
  // Field 5 gauge, 7 sum, 9 histogram, 10 exponential_histogram; unknown kinds are left empty.
  w.byte(type === GAUGE ? 0x2a : type === SUM ? 0x3a : type === HISTOGRAM ? 0x4a : 0x52);
  const body = w.begin(2);
  if (type === GAUGE || type === SUM) {
    const isInt = (d.valueType as number) === VALUE_TYPE_INT;
    for (const p of metric.dataPoints as DataPoint<number>[]) writeNumberPoint(w, p, isInt);
    if (type === SUM) {
      writeTemporality(w, metric.aggregationTemporality);
      if ((metric as { isMonotonic?: boolean }).isMonotonic) {
        w.byte(0x18);
        w.byte(1);
      }
    }
  } else if (type === HISTOGRAM) {
    for (const p of metric.dataPoints as DataPoint<Histogram>[]) writeHistogramPoint(w, p);
    writeTemporality(w, metric.aggregationTemporality);
  } else if (type === EXPONENTIAL_HISTOGRAM) {
    for (const p of metric.dataPoints as DataPoint<ExponentialHistogram>[]) writeExponentialPoint(w, p);
    writeTemporality(w, metric.aggregationTemporality);
  }
  w.end(body, 2);
  w.end(start, 2);
}

/** Encodes one collection as an ExportMetricsServiceRequest. */
export function encodeMetrics(rm: ResourceMetrics): Uint8Array {
  const w = writer;
  w.reset();
  w.byte(0x0a);
  const rs = w.begin(3);
  w.raw(resourceField(rm.resource));
  for (const sm of rm.scopeMetrics) {
    w.byte(0x12);
    const ss = w.begin(3);
    w.raw(scopeField(sm.scope));
    for (const metric of sm.metrics) writeMetric(w, metric);
    if (sm.scope.schemaUrl) {
      w.byte(0x1a);
      w.string(sm.scope.schemaUrl);
    }
    w.end(ss, 3);
  }
  if (rm.resource.schemaUrl) {
    w.byte(0x1a);
    w.string(rm.resource.schemaUrl);
  }
  w.end(rs, 3);
  return w.finish();
}
