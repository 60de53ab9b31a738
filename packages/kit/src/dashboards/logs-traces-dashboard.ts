import { type DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as LogsPanel } from '@grafana/grafana-foundation-sdk/logs';
import { DataqueryBuilder as LokiQuery } from '@grafana/grafana-foundation-sdk/loki';
import { PanelBuilder as NodeGraphPanel } from '@grafana/grafana-foundation-sdk/nodegraph';
import { PanelBuilder as TablePanel } from '@grafana/grafana-foundation-sdk/table';
import { SearchTableType, DataqueryBuilder as TempoQuery } from '@grafana/grafana-foundation-sdk/tempo';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { SightlineConfig } from '../config/resolved-config.js';
import { LOKI, TEMPO } from '../config/telemetry-names.js';
import { bottomLegend, DASHBOARD_UIDS, DATASOURCES, sightlineDashboard } from './dashboard-common.js';

const STREAM = `{${LOKI.service}=~"$service", ${LOKI.environment}=~"$environment"}`;
const ERRORS = `${STREAM} | ${LOKI.severityText}=~"(?i)(error|fatal)"`;
const SPAN_SCOPE = `${TEMPO.service}=~"$service"`;

function tempo(refId: string, traceql: string): TempoQuery {
  return new TempoQuery()
    .refId(refId)
    .datasource(DATASOURCES.tempo)
    .queryType('traceql')
    .query(traceql)
    .limit(20)
    .tableType(SearchTableType.Traces);
}

/** Error logs that link to their trace (Loki derived field on trace_id) next to Tempo searches for failing and slow requests. */
export function logsTracesDashboard(config: SightlineConfig, slowThresholdSeconds: number): DashboardBuilder {
  return sightlineDashboard(config, {
    title: 'Sightline / Logs and traces',
    uid: DASHBOARD_UIDS.logsAndTraces,
    description: 'Error logs with trace links, failing and slow traces, and the service map.',
    tags: ['sightline', 'logs', 'traces'],
  })
    .withRow(new RowBuilder('Logs'))
    .withPanel(
      new TimeseriesPanel()
        .title('Error logs per service')
        .description('Log records at error or fatal severity.')
        .datasource(DATASOURCES.loki)
        .unit('short')
        .legend(bottomLegend())
        .height(8)
        .span(24)
        .withTarget(
          new LokiQuery()
            .refId('A')
            .datasource(DATASOURCES.loki)
            .expr(`sum by (${LOKI.service}) (count_over_time(${ERRORS} [$__auto]))`)
            .legendFormat('{{service_name}}')
            .range(true),
        ),
    )
    .withPanel(
      new LogsPanel()
        .title('Error logs (open a line → trace_id → View trace)')
        .datasource(DATASOURCES.loki)
        .height(12)
        .span(24)
        .showTime(true)
        .enableLogDetails(true)
        .wrapLogMessage(true)
        .withTarget(new LokiQuery().refId('A').datasource(DATASOURCES.loki).expr(ERRORS).maxLines(500)),
    )
    .withRow(new RowBuilder('Traces'))
    .withPanel(
      new TablePanel()
        .title('Failing traces')
        .description('Traces with a span in error status.')
        .datasource(DATASOURCES.tempo)
        .height(10)
        .span(12)
        .withTarget(tempo('A', `{ ${SPAN_SCOPE} && ${TEMPO.statusError} }`)),
    )
    .withPanel(
      new TablePanel()
        .title(`Slow requests (> ${Math.round(slowThresholdSeconds * 1000)} ms)`)
        .description('Server spans slower than the latency alert threshold.')
        .datasource(DATASOURCES.tempo)
        .height(10)
        .span(12)
        .withTarget(
          tempo('A', `{ ${SPAN_SCOPE} && kind = server && duration > ${Math.round(slowThresholdSeconds * 1000)}ms }`),
        ),
    )
    .withPanel(
      new NodeGraphPanel()
        .title('Service map')
        .description('Calls between services, from Tempo service-graph metrics in Mimir.')
        .datasource(DATASOURCES.tempo)
        .height(12)
        .span(24)
        .withTarget(new TempoQuery().refId('A').datasource(DATASOURCES.tempo).queryType('serviceMap')),
    );
}
