import type { SightlineConfig } from '../config/resolved-config.js';
import { LOKI } from '../config/telemetry-names.js';
import { DASHBOARD_UIDS } from '../dashboards/dashboard-common.js';
import { annotations } from './rule-model.js';

export interface LokiAlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/** Loki ruler group: error-log spikes per service (log records at error/fatal severity, ingested over OTLP). */
export function lokiRuleGroup(config: SightlineConfig): { name: string; rules: LokiAlertRule[] } {
  const services = config.services.length > 0 ? config.services.join('|') : '.+';
  const perMinute = config.alerts.errorLogsPerMinute;
  const errors = `{${LOKI.service}=~"${services}"} | ${LOKI.severityText}=~"(?i)(error|fatal)"`;
  return {
    name: 'sightline-logs',
    rules: [
      {
        alert: 'ErrorLogSpike',
        expr: `sum by (${LOKI.service}, ${LOKI.environment}) (count_over_time(${errors} [5m])) / 5 > ${perMinute}`,
        for: '5m',
        labels: { severity: 'ticket' },
        annotations: annotations(
          config,
          'ErrorLogSpike',
          `Service {{ $labels.service_name }} writes more than ${perMinute} error logs per minute`,
          `{{ $labels.service_name }} logged more than ${perMinute} error or fatal records per minute over 5 minutes. Open the logs-and-traces dashboard: each error line links to its trace.`,
          DASHBOARD_UIDS.logsAndTraces,
        ),
      },
    ],
  };
}
