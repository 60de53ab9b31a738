import { LABELS, LOKI, METRICS } from '../config/telemetry-names.js';
import { DATASOURCES } from '../dashboards/dashboard-common.js';

export interface BackendUrls {
  mimir: string;
  loki: string;
  tempo: string;
  alertmanager: string;
}

/**
 * Grafana file provisioning escapes `$` as `$$` (a single `$` would be read as an environment variable); Grafana's
 * own link variables (`${__value.raw}`, `${__trace.traceId}`) must survive it.
 */
function literal(text: string): string {
  return text.replaceAll('$', () => '$$');
}

/**
 * The three data sources with correlation both ways:
 * Loki trace_id (structured metadata) → Tempo; Tempo trace/span → Loki logs; Mimir exemplars → Tempo; Tempo service
 * map and span metrics from Mimir; plus Alertmanager.
 */
export function datasourcesProvisioning(urls: BackendUrls): Record<string, unknown> {
  return {
    apiVersion: 1,
    prune: true,
    datasources: [
      {
        name: 'Mimir',
        uid: DATASOURCES.mimir.uid,
        type: 'prometheus',
        access: 'proxy',
        url: urls.mimir,
        isDefault: true,
        editable: false,
        jsonData: {
          httpMethod: 'POST',
          prometheusType: 'Mimir',
          manageAlerts: true,
          alertmanagerUid: 'alertmanager',
          exemplarTraceIdDestinations: [
            { name: 'trace_id', datasourceUid: DATASOURCES.tempo.uid, urlDisplayLabel: 'View trace' },
          ],
        },
      },
      {
        name: 'Loki',
        uid: DATASOURCES.loki.uid,
        type: 'loki',
        access: 'proxy',
        url: urls.loki,
        editable: false,
        jsonData: {
          manageAlerts: true,
          alertmanagerUid: 'alertmanager',
          maxLines: 1000,
          derivedFields: [
            {
              name: 'trace_id',
              // OTLP log records carry trace_id as structured metadata: match the label, not the line.
              matcherType: 'label',
              matcherRegex: `^${LOKI.traceId}$`,
              datasourceUid: DATASOURCES.tempo.uid,
              // biome-ignore lint/suspicious/noTemplateCurlyInString: a Grafana link variable, not JavaScript
              url: literal('${__value.raw}'),
              urlDisplayLabel: 'View trace',
            },
          ],
        },
      },
      {
        name: 'Tempo',
        uid: DATASOURCES.tempo.uid,
        type: 'tempo',
        access: 'proxy',
        url: urls.tempo,
        editable: false,
        jsonData: {
          tracesToLogsV2: {
            datasourceUid: DATASOURCES.loki.uid,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            filterByTraceID: true,
            filterBySpanID: false,
            customQuery: true,
            // `${__tags}` becomes the matchers of `tags` below; trace_id is structured metadata, not in the line.
            query: literal(`{\${__tags}} | ${LOKI.traceId}="\${__trace.traceId}"`),
            tags: [{ key: 'service.name', value: LOKI.service }],
          },
          tracesToMetrics: {
            datasourceUid: DATASOURCES.mimir.uid,
            spanStartTimeShift: '-5m',
            spanEndTimeShift: '5m',
            tags: [{ key: 'service.name', value: LABELS.service }],
            queries: [
              {
                name: 'Request rate',
                query: literal(`sum by (http_route) (rate(${METRICS.httpServerDurationCount}{$__tags}[5m]))`),
              },
              {
                name: 'p99 latency',
                query: literal(
                  `histogram_quantile(0.99, sum by (le) (rate(${METRICS.httpServerDurationBucket}{$__tags}[5m])))`,
                ),
              },
            ],
          },
          serviceMap: { datasourceUid: DATASOURCES.mimir.uid },
          nodeGraph: { enabled: true },
          search: { hide: false },
          lokiSearch: { datasourceUid: DATASOURCES.loki.uid },
          traceQuery: { timeShiftEnabled: true, spanStartTimeShift: '-1h', spanEndTimeShift: '1h' },
          streamingEnabled: { search: true },
        },
      },
      {
        name: 'Alertmanager',
        uid: 'alertmanager',
        type: 'alertmanager',
        access: 'proxy',
        url: urls.alertmanager,
        editable: false,
        jsonData: { implementation: 'prometheus', handleGrafanaManagedAlerts: false },
      },
    ],
  };
}

export function dashboardsProvisioning(path: string): Record<string, unknown> {
  return {
    apiVersion: 1,
    providers: [
      {
        name: 'sightline',
        folder: 'Sightline',
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 30,
        options: { path, foldersFromFilesStructure: false },
      },
    ],
  };
}
