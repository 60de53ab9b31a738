import type { ResolvedReceiver, SightlineConfig } from '../config/resolved-config.js';
import { LABELS } from '../config/telemetry-names.js';

const SLACK_TITLE =
  '[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts.Firing | len }}{{ end }}] {{ .CommonLabels.alertname }} {{ .CommonLabels.service_name }}';
const SLACK_TEXT =
  '{{ range .Alerts }}*{{ .Annotations.summary }}*\n{{ .Annotations.description }}\nRunbook: {{ .Annotations.runbook_url }} | Dashboard: {{ .Annotations.dashboard }}\n{{ end }}';

function receiver(r: ResolvedReceiver): Record<string, unknown> {
  if (r.type === 'slack') {
    return {
      name: r.name,
      slack_configs: [
        {
          api_url_file: r.secretFile,
          channel: r.channel ?? '#alerts',
          send_resolved: true,
          title: SLACK_TITLE,
          text: SLACK_TEXT,
        },
      ],
    };
  }
  return {
    name: r.name,
    pagerduty_configs: [
      {
        routing_key_file: r.secretFile,
        send_resolved: true,
        severity: '{{ if eq .CommonLabels.severity "page" }}critical{{ else }}warning{{ end }}',
        description: '{{ .CommonAnnotations.summary }}',
        links: [
          { href: '{{ .CommonAnnotations.dashboard }}', text: 'Dashboard' },
          { href: '{{ .CommonAnnotations.runbook_url }}', text: 'Runbook' },
        ],
      },
    ],
  };
}

/**
 * Alertmanager routing: every receiver gets the severities it asked for (Slack for tickets, PagerDuty for pages by
 * default); secrets are read from files mounted into the container (`api_url_file`, `routing_key_file`), never inline.
 */
export function alertmanagerConfig(config: SightlineConfig): Record<string, unknown> {
  const receivers = config.alerts.receivers;
  return {
    global: { resolve_timeout: '5m' },
    route: {
      // Alerts no receiver subscribed to end here, visibly, instead of being routed somewhere surprising.
      receiver: 'unrouted',
      group_by: ['alertname', LABELS.service, LABELS.environment, 'slo'],
      group_wait: '30s',
      group_interval: '5m',
      repeat_interval: '4h',
      routes: receivers.map((r) => ({
        receiver: r.name,
        matchers: [`severity=~"${r.severities.join('|')}"`],
        continue: true,
        ...(r.severities.includes('page') ? { group_wait: '10s', repeat_interval: '1h' } : {}),
      })),
    },
    inhibit_rules: [
      // A page already tells the on-call about this service; the matching tickets would only add noise.
      {
        source_matchers: ['severity="page"'],
        target_matchers: ['severity="ticket"'],
        equal: [LABELS.service, LABELS.environment],
      },
    ],
    receivers: [{ name: 'unrouted' }, ...receivers.map(receiver)],
  };
}
