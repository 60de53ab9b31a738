import { promDuration } from '../config/durations.js';
import type { SightlineConfig } from '../config/resolved-config.js';
import { LABELS, leLabel, METRICS } from '../config/telemetry-names.js';
import { DASHBOARD_UIDS } from '../dashboards/dashboard-common.js';
import {
  type AlertRule,
  annotations,
  BY_SERVICE,
  type RuleGroup,
  SAMPLE_ENVIRONMENT,
  sampleService,
  sel,
  serviceMatcher,
} from './rule-model.js';

const S = LABELS.service;
const E = LABELS.environment;
const BY = BY_SERVICE;

function httpSeries(service: string, status: string, values: string) {
  return {
    series: `${METRICS.httpServerDurationCount}{${S}="${service}", ${E}="${SAMPLE_ENVIRONMENT}", job="${service}", ${LABELS.route}="/orders", ${LABELS.method}="GET", ${LABELS.status}="${status}"}`,
    values,
  };
}

function bucketSeries(service: string, le: string, values: string) {
  return {
    series: `${METRICS.httpServerDurationBucket}{${S}="${service}", ${E}="${SAMPLE_ENVIRONMENT}", job="${service}", ${LABELS.route}="/orders", ${LABELS.method}="GET", ${LABELS.status}="200", le="${le}"}`,
    values,
  };
}

/** RED symptoms: server error ratio, p99 latency, traffic dropping to zero. */
export function httpRuleGroup(config: SightlineConfig): RuleGroup {
  const svc = serviceMatcher(config);
  const sample = sampleService(config);
  const all = sel(METRICS.httpServerDurationCount, svc);
  const errors = sel(METRICS.httpServerDurationCount, svc, `${LABELS.status}=~"5.."`);
  const bucket = sel(METRICS.httpServerDurationBucket, svc);
  const { errorRatio, latencyP99Seconds } = config.alerts;
  const latencyMs = Math.round(latencyP99Seconds * 1000);
  // The bucket just above the threshold, so synthetic slow requests land clearly over it.
  const slowLe = leLabel(latencyP99Seconds * 4);

  const highErrorRatio: AlertRule = {
    alert: 'HighErrorRatio',
    expr: `(sum by (${BY}) (rate(${errors}[5m])) / sum by (${BY}) (rate(${all}[5m]))) > ${errorRatio} and sum by (${BY}) (rate(${all}[5m])) > 0.1`,
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: annotations(
      config,
      'HighErrorRatio',
      `Service {{ $labels.service_name }} answers more than ${errorRatio * 100}% of requests with a 5xx status`,
      `More than ${errorRatio * 100}% of HTTP requests to {{ $labels.service_name }} failed with a server error over the last 5 minutes, for 10 minutes. Open the dashboard, find the failing route, then its error logs and traces.`,
    ),
    firing: {
      series: [httpSeries(sample, '200', '0+30x40'), httpSeries(sample, '500', '0+30x40')],
      evalTime: '30m',
      expectLabels: { [S]: sample, [E]: SAMPLE_ENVIRONMENT, severity: 'ticket' },
    },
    healthy: { series: [httpSeries(sample, '200', '0+60x40'), httpSeries(sample, '500', '0x40')], evalTime: '30m' },
  };

  const highLatency: AlertRule = {
    alert: 'HighLatencyP99',
    expr: `histogram_quantile(0.99, sum by (le, ${BY}) (rate(${bucket}[5m]))) > ${latencyP99Seconds}`,
    for: '10m',
    labels: { severity: 'ticket' },
    annotations: annotations(
      config,
      'HighLatencyP99',
      `Service {{ $labels.service_name }} p99 latency is above ${latencyMs} ms`,
      `The slowest 1% of requests to {{ $labels.service_name }} took longer than ${latencyMs} ms over the last 5 minutes, for 10 minutes. Check the latency heatmap and its exemplar traces.`,
    ),
    firing: {
      series: [
        bucketSeries(sample, leLabel(latencyP99Seconds), '0x40'),
        bucketSeries(sample, slowLe, '0+60x40'),
        bucketSeries(sample, '+Inf', '0+60x40'),
      ],
      evalTime: '30m',
      expectLabels: { [S]: sample, [E]: SAMPLE_ENVIRONMENT, severity: 'ticket' },
    },
    healthy: {
      series: [
        bucketSeries(sample, leLabel(latencyP99Seconds / 2), '0+60x40'),
        bucketSeries(sample, leLabel(latencyP99Seconds), '0+60x40'),
        bucketSeries(sample, '+Inf', '0+60x40'),
      ],
      evalTime: '30m',
    },
  };

  const trafficDrop: AlertRule = {
    alert: 'TrafficDropToZero',
    expr: `sum by (${BY}) (rate(${all}[1h] offset 1h)) > 0 unless sum by (${BY}) (rate(${all}[5m])) > 0`,
    for: '10m',
    labels: { severity: 'page' },
    annotations: annotations(
      config,
      'TrafficDropToZero',
      'Service {{ $labels.service_name }} stopped serving requests',
      '{{ $labels.service_name }} handled requests an hour ago but none in the last 5 minutes (or stopped reporting metrics). Check that it runs, that its load balancer routes to it, and that its telemetry reaches Alloy.',
    ),
    firing: {
      series: [httpSeries(sample, '200', '0+60x60 3600x60')],
      evalTime: '100m',
      expectLabels: { [S]: sample, [E]: SAMPLE_ENVIRONMENT, severity: 'page' },
    },
    healthy: { series: [httpSeries(sample, '200', '0+60x120')], evalTime: '100m' },
  };

  return { name: 'sightline-http', rules: [highErrorRatio, highLatency, trafficDrop] };
}

/** Saturation of the Node.js runtime and loss of telemetry in the SDK. */
export function runtimeRuleGroup(config: SightlineConfig): RuleGroup {
  const svc = serviceMatcher(config);
  const sample = sampleService(config);
  const by = `${BY}, ${LABELS.instance}`;
  const inst = `${S}="${sample}", ${E}="${SAMPLE_ENVIRONMENT}", job="${sample}", instance="${sample}-1"`;
  const { eventLoopDelaySeconds, heapUsedRatio } = config.alerts;
  const delayMs = Math.round(eventLoopDelaySeconds * 1000);
  const used = `sum by (${by}) (${sel(METRICS.heapUsed, svc)})`;
  const limit = `sum by (${by}) (${sel(METRICS.heapSpaceSize, svc)})`;

  const eventLoop: AlertRule = {
    alert: 'EventLoopDelayHigh',
    expr: `max by (${by}) (${sel(METRICS.eventLoopDelayP99, svc)}) > ${eventLoopDelaySeconds}`,
    for: '5m',
    labels: { severity: 'ticket' },
    annotations: annotations(
      config,
      'EventLoopDelayHigh',
      `Event loop of {{ $labels.service_name }} ({{ $labels.instance }}) is blocked for more than ${delayMs} ms`,
      `The p99 event-loop delay of {{ $labels.instance }} stayed above ${delayMs} ms for 5 minutes: synchronous work (JSON of large payloads, crypto, regexes) or CPU starvation delays every request. Profile the instance.`,
      DASHBOARD_UIDS.runtime,
    ),
    firing: {
      series: [{ series: `${METRICS.eventLoopDelayP99}{${inst}}`, values: `${eventLoopDelaySeconds * 3}x20` }],
      evalTime: '10m',
      expectLabels: { [S]: sample, [E]: SAMPLE_ENVIRONMENT, instance: `${sample}-1`, severity: 'ticket' },
    },
    healthy: {
      series: [{ series: `${METRICS.eventLoopDelayP99}{${inst}}`, values: `${eventLoopDelaySeconds / 4}x20` }],
      evalTime: '10m',
    },
  };

  const heap: AlertRule = {
    alert: 'HeapNearLimit',
    expr: `${used} / ${limit} > ${heapUsedRatio}`,
    for: '15m',
    labels: { severity: 'ticket' },
    annotations: annotations(
      config,
      'HeapNearLimit',
      `Heap of {{ $labels.service_name }} ({{ $labels.instance }}) is more than ${Math.round(heapUsedRatio * 100)}% full`,
      'The V8 heap of {{ $labels.instance }} has been nearly full (used vs. allocated heap) for 15 minutes: expect long GC pauses and, if it keeps growing, an out-of-memory crash. Look for a leak (heap snapshot) or raise --max-old-space-size with the container memory.',
      DASHBOARD_UIDS.runtime,
    ),
    firing: {
      series: [
        {
          series: `${METRICS.heapUsed}{${inst}, ${LABELS.heapSpace}="old_space"}`,
          values: `${heapBytes(heapUsedRatio + (1 - heapUsedRatio) / 2)}x30`,
        },
        { series: `${METRICS.heapSpaceSize}{${inst}, ${LABELS.heapSpace}="old_space"}`, values: '1000000000x30' },
      ],
      evalTime: '20m',
      expectLabels: { [S]: sample, [E]: SAMPLE_ENVIRONMENT, instance: `${sample}-1`, severity: 'ticket' },
    },
    healthy: {
      series: [
        {
          series: `${METRICS.heapUsed}{${inst}, ${LABELS.heapSpace}="old_space"}`,
          values: `${heapBytes(heapUsedRatio / 2)}x30`,
        },
        { series: `${METRICS.heapSpaceSize}{${inst}, ${LABELS.heapSpace}="old_space"}`, values: '1000000000x30' },
      ],
      evalTime: '20m',
    },
  };

  const drops: AlertRule = {
    alert: 'TelemetryDropped',
    expr: `sum by (${BY}) (increase(${sel(METRICS.sdkDropped, svc)}[10m])) > 0`,
    for: '5m',
    labels: { severity: 'ticket' },
    annotations: annotations(
      config,
      'TelemetryDropped',
      '@sightline/node in {{ $labels.service_name }} is dropping telemetry',
      'The SDK of {{ $labels.service_name }} dropped spans, logs or metric points in the last 10 minutes (export queue full or the collector unreachable). Check Alloy health and the exporter endpoint; raise the queue size if bursts are expected.',
      DASHBOARD_UIDS.runtime,
    ),
    firing: {
      series: [{ series: `${METRICS.sdkDropped}{${inst}, signal="traces"}`, values: '0+5x30' }],
      evalTime: '20m',
      expectLabels: { [S]: sample, [E]: SAMPLE_ENVIRONMENT, severity: 'ticket' },
    },
    healthy: {
      series: [{ series: `${METRICS.sdkDropped}{${inst}, signal="traces"}`, values: '0x30' }],
      evalTime: '20m',
    },
  };

  return { name: 'sightline-runtime', rules: [eventLoop, heap, drops] };
}

/** Bytes of a 1 GB heap at the given fill ratio (synthetic test data). */
function heapBytes(ratio: number): number {
  return Math.round(1e9 * ratio);
}

export const RULE_EVALUATION_INTERVAL = promDuration(60);
