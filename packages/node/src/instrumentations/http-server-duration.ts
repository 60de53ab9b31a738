// http.server.request.duration, aggregated by the HTTP server instrumentation itself and handed to the metric
// readers as a MetricProducer. Recording through the SDK's Histogram hashes the attribute object on every request
// (sorted JSON); here a request costs one Map lookup by route and a short scan, and the attribute object is built
// once per series. The exported data is the SDK's own shape: cumulative explicit-bucket histogram, semconv buckets.
import type { Attributes, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import type { Resource } from '@opentelemetry/resources';
import type {
  AggregationTemporality,
  CollectionResult,
  DataPoint,
  DataPointType,
  Histogram,
  MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { millisToHrTime } from '../tracing/span.js';
import { DURATION_BUCKETS } from './http-semconv.js';

// The SDK's enum values, spelled here so that this module does not load @opentelemetry/sdk-metrics at start-up.
const CUMULATIVE = 1 as AggregationTemporality.CUMULATIVE;
const HISTOGRAM = 0 as DataPointType.HISTOGRAM;

/** Series beyond this many share one overflow series (`otel.metric.overflow: true`), as the SDK's limit does. */
export const MAX_DURATION_SERIES = 2000;

interface Series {
  /** What identifies the series within its route. */
  readonly method: string;
  readonly status: number;
  readonly scheme: 'http' | 'https';
  readonly protocolVersion: string;
  readonly attributes: Attributes;
  readonly counts: number[];
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface HttpServerRequest {
  method: string;
  status: number;
  scheme: 'http' | 'https';
  protocolVersion: string;
  route: string | undefined;
}

function bucketIndex(value: number): number {
  // Boundaries are inclusive upper bounds; 14 of them, so a linear scan beats a binary search.
  let i = 0;
  while (i < DURATION_BUCKETS.length && value > DURATION_BUCKETS[i]!) i++;
  return i;
}

export class HttpServerDurationMetric implements MetricProducer {
  /** Route → its series. A route has a handful (method × status), so a scan beats building a key per request. */
  private readonly byRoute = new Map<string, Series[]>();
  private seriesCount = 0;
  private readonly startTime: HrTime = millisToHrTime(Date.now());
  private overflow: Series | undefined;

  constructor(private readonly resource: Resource) {}

  record(seconds: number, r: HttpServerRequest): void {
    const s = this.seriesOf(r);
    s.counts[bucketIndex(seconds)]!++;
    s.count++;
    s.sum += seconds;
    if (seconds < s.min) s.min = seconds;
    if (seconds > s.max) s.max = seconds;
  }

  private seriesOf(r: HttpServerRequest): Series {
    const route = r.route ?? '';
    let list = this.byRoute.get(route);
    if (list !== undefined) {
      for (const s of list) {
        if (
          s.status === r.status &&
          s.method === r.method &&
          s.scheme === r.scheme &&
          s.protocolVersion === r.protocolVersion
        )
          return s;
      }
    }
    if (this.seriesCount >= MAX_DURATION_SERIES) {
      this.overflow ??= newSeries(r, { 'otel.metric.overflow': true });
      return this.overflow;
    }
    if (list === undefined) {
      list = [];
      this.byRoute.set(route, list);
    }
    const s = newSeries(r, attributesOf(r));
    list.push(s);
    this.seriesCount++;
    return s;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = millisToHrTime(Date.now());
    const all = [...this.byRoute.values()].flat();
    if (this.overflow) all.push(this.overflow);
    const dataPoints: DataPoint<Histogram>[] = all.map((s) => ({
      startTime: this.startTime,
      endTime,
      attributes: s.attributes,
      value: {
        buckets: { boundaries: DURATION_BUCKETS, counts: [...s.counts] },
        count: s.count,
        sum: s.sum,
        min: s.min,
        max: s.max,
      },
    }));
    return {
      resourceMetrics: {
        resource: this.resource,
        scopeMetrics:
          dataPoints.length === 0
            ? []
            : [
                {
                  scope: { name: '@sightline/node/http' },
                  metrics: [
                    {
                      descriptor: {
                        name: 'http.server.request.duration',
                        description: 'Duration of HTTP server requests.',
                        unit: 's',
                        valueType: ValueType.DOUBLE,
                      },
                      aggregationTemporality: CUMULATIVE,
                      dataPointType: HISTOGRAM,
                      dataPoints,
                    },
                  ],
                },
              ],
      },
      errors: [],
    };
  }
}

function newSeries(r: HttpServerRequest, attributes: Attributes): Series {
  return {
    method: r.method,
    status: r.status,
    scheme: r.scheme,
    protocolVersion: r.protocolVersion,
    attributes: Object.freeze(attributes),
    counts: new Array(DURATION_BUCKETS.length + 1).fill(0),
    count: 0,
    sum: 0,
    min: Number.POSITIVE_INFINITY,
    max: Number.NEGATIVE_INFINITY,
  };
}

function attributesOf(r: HttpServerRequest): Attributes {
  const attributes: Attributes = {
    'http.request.method': r.method,
    'http.response.status_code': r.status,
    'url.scheme': r.scheme,
    'network.protocol.version': r.protocolVersion,
  };
  if (r.route !== undefined) attributes['http.route'] = r.route;
  if (r.status >= 500) attributes['error.type'] = String(r.status);
  return attributes;
}
