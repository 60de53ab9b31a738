// http.server.request.duration, aggregated by the HTTP server instrumentation itself and handed to the metric
// readers as a MetricProducer. Recording through the SDK's Histogram hashes the attribute object on every request
// (sorted JSON); here a request costs one string key and one Map lookup, and the attribute object is built once
// per series. The exported data is the SDK's own shape: cumulative explicit-bucket histogram, semconv buckets.
import type { Attributes, HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { CollectionResult, DataPoint, Histogram, MetricProducer } from '@opentelemetry/sdk-metrics';
import { AggregationTemporality, DataPointType } from '@opentelemetry/sdk-metrics';
import { DURATION_BUCKETS } from './http-semconv.js';

/** Series beyond this many share one overflow series (`otel.metric.overflow: true`), as the SDK's limit does. */
export const MAX_DURATION_SERIES = 2000;

/** Method/status/scheme/protocol combinations per route kept for the fast path (the rest take the keyed path). */
const MAX_PER_ROUTE = 8;

interface Series {
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
  private readonly series = new Map<string, Series>();
  private readonly startTime: HrTime = millisToHrTime(Date.now());
  private overflow: Series | undefined;
  /** Route → the series recorded for it (up to MAX_PER_ROUTE), for the fast path of record(). */
  private readonly recent = new Map<string, { request: HttpServerRequest; series: Series }[]>();

  constructor(private readonly resource: Resource) {}

  record(seconds: number, r: HttpServerRequest): void {
    // Fast path without building a key: the series of the same route (the same string each time, so its hash is
    // cached) and the same method, status, scheme and protocol as one seen before.
    const byRoute = this.recent.get(r.route ?? '');
    let s: Series | undefined;
    if (byRoute !== undefined) {
      for (const candidate of byRoute) {
        const k = candidate.request;
        if (
          k.status === r.status &&
          k.method === r.method &&
          k.scheme === r.scheme &&
          k.protocolVersion === r.protocolVersion
        ) {
          s = candidate.series;
          break;
        }
      }
    }
    if (s === undefined) s = this.slowLookup(r);
    s.counts[bucketIndex(seconds)]!++;
    s.count++;
    s.sum += seconds;
    if (seconds < s.min) s.min = seconds;
    if (seconds > s.max) s.max = seconds;
  }

  private slowLookup(r: HttpServerRequest): Series {
    const key = `${r.method} ${r.status} ${r.scheme} ${r.protocolVersion} ${r.route ?? ''}`;
    let s = this.series.get(key);
    if (s === undefined) {
      if (this.series.size >= MAX_DURATION_SERIES) {
        this.overflow ??= newSeries({ 'otel.metric.overflow': true });
        return this.overflow;
      }
      s = newSeries(attributesOf(r));
      this.series.set(key, s);
    }
    const route = r.route ?? '';
    let byRoute = this.recent.get(route);
    if (byRoute === undefined) {
      // Bounded like the series themselves: the fast path is only a shortcut to entries of `series`.
      if (this.recent.size >= MAX_DURATION_SERIES) return s;
      byRoute = [];
      this.recent.set(route, byRoute);
    }
    if (byRoute.length < MAX_PER_ROUTE) {
      const { method, status, scheme, protocolVersion } = r;
      byRoute.push({ request: { method, status, scheme, protocolVersion, route: r.route }, series: s });
    }
    return s;
  }

  async collect(): Promise<CollectionResult> {
    const endTime = millisToHrTime(Date.now());
    const all = this.overflow ? [...this.series.values(), this.overflow] : [...this.series.values()];
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
                      aggregationTemporality: AggregationTemporality.CUMULATIVE,
                      dataPointType: DataPointType.HISTOGRAM,
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

function newSeries(attributes: Attributes): Series {
  return {
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
