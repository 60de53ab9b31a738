import { type DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as HeatmapPanel, YAxisConfigBuilder } from '@grafana/grafana-foundation-sdk/heatmap';
import { DataqueryBuilder as PromQuery, PromQueryFormat } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { SightlineConfig } from '../config/resolved-config.js';
import { LABELS, METRICS } from '../config/telemetry-names.js';
import { bottomLegend, DASHBOARD_UIDS, DATASOURCES, SERVICE_MATCHERS, sightlineDashboard } from './dashboard-common.js';

const S = LABELS.service;
const COUNT = `${METRICS.httpServerDurationCount}{${SERVICE_MATCHERS}}`;
const FIVE_XX = `${METRICS.httpServerDurationCount}{${SERVICE_MATCHERS}, ${LABELS.status}=~"5.."}`;
const FOUR_XX = `${METRICS.httpServerDurationCount}{${SERVICE_MATCHERS}, ${LABELS.status}=~"4.."}`;
const BUCKET = `${METRICS.httpServerDurationBucket}{${SERVICE_MATCHERS}}`;
const ROUTE = `${S}, ${LABELS.route}, ${LABELS.method}`;

function prom(refId: string, expr: string, legend: string): PromQuery {
  return new PromQuery().refId(refId).datasource(DATASOURCES.mimir).expr(expr).legendFormat(legend).range();
}

function quantile(q: number, by: string, refId: string, legend: string): PromQuery {
  return prom(refId, `histogram_quantile(${q}, sum by (le, ${by}) (rate(${BUCKET}[$__rate_interval])))`, legend);
}

function timeseries(title: string, unit: string, description: string): TimeseriesPanel {
  return new TimeseriesPanel()
    .title(title)
    .unit(unit)
    .description(description)
    .datasource(DATASOURCES.mimir)
    .height(8)
    .span(12)
    .legend(bottomLegend());
}

/** RED per service and per route from http.server.request.duration, with exemplars linking to Tempo. */
export function serviceOverviewDashboard(config: SightlineConfig): DashboardBuilder {
  return sightlineDashboard(config, {
    title: 'Sightline / Service overview',
    uid: DASHBOARD_UIDS.serviceOverview,
    description:
      'Rate, errors and duration of HTTP servers instrumented with @sightline/node (OpenTelemetry semantic conventions).',
    tags: ['sightline', 'red', 'http'],
  })
    .withRow(new RowBuilder('Services'))
    .withPanel(
      timeseries('Request rate', 'reqps', 'Requests per second handled by each service.').withTarget(
        prom('A', `sum by (${S}) (rate(${COUNT}[$__rate_interval]))`, '{{service_name}}'),
      ),
    )
    .withPanel(
      timeseries(
        'Error ratio by status class',
        'percentunit',
        'Share of responses with a 5xx (server error) and 4xx (client error) status.',
      )
        .withTarget(
          prom(
            'A',
            `sum by (${S}) (rate(${FIVE_XX}[$__rate_interval])) / sum by (${S}) (rate(${COUNT}[$__rate_interval]))`,
            '{{service_name}} 5xx',
          ),
        )
        .withTarget(
          prom(
            'B',
            `sum by (${S}) (rate(${FOUR_XX}[$__rate_interval])) / sum by (${S}) (rate(${COUNT}[$__rate_interval]))`,
            '{{service_name}} 4xx',
          ),
        )
        .min(0),
    )
    .withPanel(
      timeseries(
        'Latency p50 / p95 / p99',
        's',
        'Server-side request duration percentiles; dots are exemplars linking to the trace.',
      )
        .withTarget(quantile(0.5, S, 'A', '{{service_name}} p50'))
        .withTarget(quantile(0.95, S, 'B', '{{service_name}} p95'))
        .withTarget(quantile(0.99, S, 'C', '{{service_name}} p99').exemplar(true)),
    )
    .withPanel(
      new HeatmapPanel()
        .title('Latency distribution')
        .description('Request duration histogram over time; exemplars link to traces in Tempo.')
        .datasource(DATASOURCES.mimir)
        .height(8)
        .span(12)
        .calculate(false)
        .yAxis(new YAxisConfigBuilder().unit('s'))
        .withTarget(
          prom('A', `sum by (le) (increase(${BUCKET}[$__rate_interval]))`, '{{le}}')
            .format(PromQueryFormat.Heatmap)
            .exemplar(true),
        ),
    )
    .withRow(new RowBuilder('Routes'))
    .withPanel(
      timeseries('Request rate by route', 'reqps', 'Requests per second per route template and method.').withTarget(
        prom(
          'A',
          `sum by (${ROUTE}) (rate(${COUNT}[$__rate_interval]))`,
          '{{service_name}} {{http_request_method}} {{http_route}}',
        ),
      ),
    )
    .withPanel(
      timeseries('5xx ratio by route', 'percentunit', 'Share of server errors per route.').withTarget(
        prom(
          'A',
          `sum by (${ROUTE}) (rate(${FIVE_XX}[$__rate_interval])) / sum by (${ROUTE}) (rate(${COUNT}[$__rate_interval]))`,
          '{{service_name}} {{http_request_method}} {{http_route}}',
        ),
      ),
    )
    .withPanel(
      timeseries('p99 latency by route', 's', 'Slowest routes; exemplars link to traces.').withTarget(
        quantile(0.99, ROUTE, 'A', '{{service_name}} {{http_request_method}} {{http_route}}').exemplar(true),
      ),
    )
    .withPanel(
      timeseries('p50 latency by route', 's', 'Typical duration per route.').withTarget(
        quantile(0.5, ROUTE, 'A', '{{service_name}} {{http_request_method}} {{http_route}}'),
      ),
    );
}
