import type { SightlineConfig } from '../config/resolved-config.js';
import type { OutputFile } from '../files/output-writer.js';
import { numberPanels } from './dashboard-common.js';
import { logsTracesDashboard } from './logs-traces-dashboard.js';
import { runtimeDashboard } from './runtime-dashboard.js';
import { serviceOverviewDashboard } from './service-overview-dashboard.js';

export { DASHBOARD_UIDS, DATASOURCES } from './dashboard-common.js';

/** Where dashboards go inside the output directory (the Grafana provisioning written by `stack compose` reads them there). */
export const DASHBOARDS_DIR = 'grafana/dashboards';

export interface GeneratedDashboard {
  fileName: string;
  /** Dashboard model as Grafana imports it. */
  dashboard: Record<string, unknown>;
}

export function buildDashboards(config: SightlineConfig): GeneratedDashboard[] {
  return [
    {
      fileName: 'sightline-service-overview.json',
      dashboard: numberPanels(serviceOverviewDashboard(config).build() as unknown as Record<string, unknown>),
    },
    {
      fileName: 'sightline-runtime.json',
      dashboard: numberPanels(runtimeDashboard(config).build() as unknown as Record<string, unknown>),
    },
    {
      fileName: 'sightline-logs-traces.json',
      dashboard: numberPanels(
        logsTracesDashboard(config, config.alerts.latencyP99Seconds).build() as unknown as Record<string, unknown>,
      ),
    },
  ];
}

export function dashboardFiles(config: SightlineConfig): OutputFile[] {
  return buildDashboards(config).map(({ fileName, dashboard }) => ({
    path: `${DASHBOARDS_DIR}/${fileName}`,
    content: `${JSON.stringify(dashboard, null, 2)}\n`,
  }));
}
