import { KitError } from '../kit-error.js';
import type { ParsedConfig } from './config-schema.js';
import { durationSeconds } from './durations.js';
import { HTTP_DURATION_BUCKETS } from './telemetry-names.js';

export interface ResolvedSlo {
  name: string;
  type: 'availability' | 'latency';
  /** Fraction of good events, e.g. 0.999. */
  objective: number;
  windowSeconds: number;
  /** Latency SLOs: bucket boundary in seconds. */
  thresholdSeconds?: number;
  service?: string;
}

export interface ResolvedReceiver {
  name: string;
  type: 'slack' | 'pagerduty';
  severities: Array<'page' | 'ticket'>;
  channel?: string;
  secretFile: string;
}

/** The configuration every generator takes: defaults applied, durations in seconds, cross-field rules checked. */
export interface SightlineConfig {
  project: string;
  /** Empty means "generic": queries use a `$service` variable / label matcher instead of fixed names. */
  services: string[];
  environments: string[];
  slos: ResolvedSlo[];
  alerts: {
    grafanaUrl: string;
    runbookBaseUrl: string;
    errorRatio: number;
    latencyP99Seconds: number;
    eventLoopDelaySeconds: number;
    heapUsedRatio: number;
    errorLogsPerMinute: number;
    receivers: ResolvedReceiver[];
  };
  retentionSeconds: { logs: number; traces: number; metrics: number };
  storage: ParsedConfig['storage'];
}

export const DEFAULT_SLOS: ParsedConfig['slos'] = [
  { name: 'availability', type: 'availability', objective: 99.9, window: '30d' },
  { name: 'latency', type: 'latency', objective: 99, window: '30d', threshold: '500ms' },
];

const SECRETS_DIR = '/etc/alertmanager/secrets';

const DEFAULT_RECEIVERS: ResolvedReceiver[] = [
  { name: 'pagerduty', type: 'pagerduty', severities: ['page'], secretFile: `${SECRETS_DIR}/pagerduty_routing_key` },
  {
    name: 'slack',
    type: 'slack',
    severities: ['ticket'],
    channel: '#alerts',
    secretFile: `${SECRETS_DIR}/slack_api_url`,
  },
];

export function resolveConfig(parsed: ParsedConfig): SightlineConfig {
  const slos = (parsed.slos ?? DEFAULT_SLOS ?? []).map((slo, i): ResolvedSlo => {
    const resolved: ResolvedSlo = {
      name: slo.name,
      type: slo.type,
      objective: Math.round(slo.objective * 1e6) / 1e8,
      windowSeconds: durationSeconds(slo.window, `slos[${i}].window`),
    };
    if (slo.service) resolved.service = slo.service;
    if (slo.type === 'latency') {
      const seconds = durationSeconds(slo.threshold ?? '500ms', `slos[${i}].threshold`);
      if (!HTTP_DURATION_BUCKETS.includes(seconds)) {
        throw new KitError(
          'SIGHTLINE_ERR_CONFIG_INVALID',
          `slos[${i}].threshold: "${slo.threshold}" is not a bucket boundary of http.server.request.duration; accepted: ${HTTP_DURATION_BUCKETS.map((s) => `${s * 1000}ms`).join(', ')}`,
        );
      }
      resolved.thresholdSeconds = seconds;
    }
    return resolved;
  });
  const receivers = parsed.alerts.receivers
    ? parsed.alerts.receivers.map((r) => ({
        name: r.name,
        type: r.type,
        severities: [...new Set(r.severities)],
        ...(r.channel ? { channel: r.channel } : r.type === 'slack' ? { channel: '#alerts' } : {}),
        secretFile: r.secretFile ?? `${SECRETS_DIR}/${r.name}_${r.type === 'slack' ? 'api_url' : 'routing_key'}`,
      }))
    : DEFAULT_RECEIVERS;
  return {
    project: parsed.project,
    services: parsed.services.map((s) => s.name),
    environments: parsed.environments,
    slos,
    alerts: {
      grafanaUrl: parsed.alerts.grafanaUrl.replace(/\/+$/, ''),
      runbookBaseUrl: parsed.alerts.runbookBaseUrl,
      errorRatio: parsed.alerts.errorRatio,
      latencyP99Seconds: durationSeconds(parsed.alerts.latencyP99, 'alerts.latencyP99'),
      eventLoopDelaySeconds: durationSeconds(parsed.alerts.eventLoopDelay, 'alerts.eventLoopDelay'),
      heapUsedRatio: parsed.alerts.heapUsedRatio,
      errorLogsPerMinute: parsed.alerts.errorLogsPerMinute,
      receivers,
    },
    retentionSeconds: {
      logs: durationSeconds(parsed.retention.logs, 'retention.logs'),
      traces: durationSeconds(parsed.retention.traces, 'retention.traces'),
      metrics: durationSeconds(parsed.retention.metrics, 'retention.metrics'),
    },
    storage: parsed.storage,
  };
}
