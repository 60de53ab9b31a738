import { LegendDisplayMode, LegendPlacement, VizLegendOptionsBuilder } from '@grafana/grafana-foundation-sdk/common';
import {
  CustomVariableBuilder,
  DashboardBuilder,
  DashboardLinkBuilder,
  DashboardLinkType,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import type { SightlineConfig } from '../config/resolved-config.js';
import { LABELS, METRICS } from '../config/telemetry-names.js';

/** Data source uids, fixed by the Grafana provisioning that `sightline stack` writes. */
export const DATASOURCES = {
  mimir: { type: 'prometheus', uid: 'mimir' },
  loki: { type: 'loki', uid: 'loki' },
  tempo: { type: 'tempo', uid: 'tempo' },
} as const;

export const DASHBOARD_UIDS = {
  serviceOverview: 'sightline-service-overview',
  runtime: 'sightline-runtime',
  logsAndTraces: 'sightline-logs-traces',
} as const;

/** The selector every metric query shares: the chosen services and environments. */
export const SERVICE_MATCHERS = `${LABELS.service}=~"$service", ${LABELS.environment}=~"$environment"`;

/** `service` variable: the configured services, or every service seen in Mimir (generic output). */
export function serviceVariable(config: SightlineConfig): CustomVariableBuilder | QueryVariableBuilder {
  if (config.services.length > 0) {
    return new CustomVariableBuilder('service')
      .label('Service')
      .values(config.services.join(','))
      .multi(true)
      .includeAll(true)
      .allValue(config.services.map(escapeRegex).join('|'));
  }
  return new QueryVariableBuilder('service')
    .label('Service')
    .datasource(DATASOURCES.mimir)
    .query(`label_values(${METRICS.httpServerDurationCount}, ${LABELS.service})`)
    .definition(`label_values(${METRICS.httpServerDurationCount}, ${LABELS.service})`)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+');
}

/** `environment` variable; its "All" value also matches series without the label. */
export function environmentVariable(config: SightlineConfig): CustomVariableBuilder | QueryVariableBuilder {
  if (config.environments.length > 0) {
    return new CustomVariableBuilder('environment')
      .label('Environment')
      .values(config.environments.join(','))
      .multi(true)
      .includeAll(true)
      .allValue('.*');
  }
  const query = `label_values(${METRICS.httpServerDurationCount}{${LABELS.service}=~"$service"}, ${LABELS.environment})`;
  return new QueryVariableBuilder('environment')
    .label('Environment')
    .datasource(DATASOURCES.mimir)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*');
}

/** Links between the three Sightline dashboards, keeping time range and variables. */
export function sightlineLinks(): DashboardLinkBuilder {
  return new DashboardLinkBuilder('Sightline')
    .type(DashboardLinkType.Dashboards)
    .tags(['sightline'])
    .asDropdown(true)
    .keepTime(true)
    .includeVars(true)
    .targetBlank(false)
    .icon('external link')
    .tooltip('')
    .url('');
}

/** A Sightline dashboard: shared refresh, time range, service/environment variables and links between the three. */
export function sightlineDashboard(
  config: SightlineConfig,
  d: { title: string; uid: string; description: string; tags: string[] },
): DashboardBuilder {
  return new DashboardBuilder(d.title)
    .uid(d.uid)
    .description(d.description)
    .tags(d.tags)
    .editable()
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .timezone('browser')
    .withVariable(serviceVariable(config))
    .withVariable(environmentVariable(config))
    .link(sightlineLinks());
}

function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Legend shown below time series (the SDK default hides it). */
export function bottomLegend(): VizLegendOptionsBuilder {
  return new VizLegendOptionsBuilder()
    .showLegend(true)
    .displayMode(LegendDisplayMode.List)
    .placement(LegendPlacement.Bottom);
}

/** Gives every panel (rows included) a unique id, in layout order, so Grafana links like `viewPanel=3` stay stable. */
export function numberPanels(dashboard: Record<string, unknown>): Record<string, unknown> {
  const panels = (dashboard.panels ?? []) as Array<Record<string, unknown>>;
  panels.forEach((panel, i) => {
    panel.id = i + 1;
  });
  return dashboard;
}
