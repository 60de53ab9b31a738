import { type DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { DataqueryBuilder as PromQuery } from '@grafana/grafana-foundation-sdk/prometheus';
import { PanelBuilder as TimeseriesPanel } from '@grafana/grafana-foundation-sdk/timeseries';
import type { SightlineConfig } from '../config/resolved-config.js';
import { LABELS, METRICS } from '../config/telemetry-names.js';
import { bottomLegend, DASHBOARD_UIDS, DATASOURCES, SERVICE_MATCHERS, sightlineDashboard } from './dashboard-common.js';

const BY = `${LABELS.service}, ${LABELS.instance}`;
const LEGEND = '{{service_name}} {{instance}}';

function prom(refId: string, expr: string, legend: string): PromQuery {
  return new PromQuery().refId(refId).datasource(DATASOURCES.mimir).expr(expr).legendFormat(legend).range();
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

function sel(metric: string): string {
  return `${metric}{${SERVICE_MATCHERS}}`;
}

/** Node.js runtime health from @opentelemetry/instrumentation-runtime-node (event loop, GC, heap, RSS) plus SDK drops. */
export function runtimeDashboard(config: SightlineConfig): DashboardBuilder {
  return sightlineDashboard(config, {
    title: 'Sightline / Node.js runtime',
    uid: DASHBOARD_UIDS.runtime,
    description: 'Event loop, garbage collection and memory of Node.js services instrumented with @sightline/node.',
    tags: ['sightline', 'runtime', 'nodejs'],
  })
    .withRow(new RowBuilder('Event loop'))
    .withPanel(
      timeseries('Event loop delay', 's', 'How late timers fire: a blocked event loop delays every request.')
        .withTarget(prom('A', `max by (${BY}) (${sel(METRICS.eventLoopDelayP50)})`, `${LEGEND} p50`))
        .withTarget(prom('B', `max by (${BY}) (${sel(METRICS.eventLoopDelayP99)})`, `${LEGEND} p99`))
        .withTarget(prom('C', `max by (${BY}) (${sel(METRICS.eventLoopDelayMax)})`, `${LEGEND} max`)),
    )
    .withPanel(
      timeseries('Event loop utilization', 'percentunit', 'Share of time the event loop was busy (1 = saturated).')
        .withTarget(prom('A', `max by (${BY}) (${sel(METRICS.eventLoopUtilization)})`, LEGEND))
        .min(0)
        .max(1),
    )
    .withRow(new RowBuilder('Memory and GC'))
    .withPanel(
      timeseries(
        'Heap and resident memory',
        'bytes',
        'V8 heap in use and allocated (summed over heap spaces), and process RSS.',
      )
        .withTarget(prom('A', `sum by (${BY}) (${sel(METRICS.heapUsed)})`, `${LEGEND} heap used`))
        .withTarget(prom('B', `sum by (${BY}) (${sel(METRICS.heapSpaceSize)})`, `${LEGEND} heap allocated`))
        .withTarget(prom('C', `sum by (${BY}) (${sel(METRICS.processMemory)})`, `${LEGEND} RSS`)),
    )
    .withPanel(
      timeseries(
        'Time in garbage collection',
        'percentunit',
        'Share of wall-clock time spent in GC pauses, by GC type.',
      ).withTarget(
        prom(
          'A',
          `sum by (${LABELS.service}, ${LABELS.gcType}) (rate(${sel(METRICS.gcDurationSum)}[$__rate_interval]))`,
          '{{service_name}} {{v8js_gc_type}}',
        ),
      ),
    )
    .withRow(new RowBuilder('Telemetry pipeline'))
    .withPanel(
      timeseries('Garbage collections per second', 'short', 'GC pauses per second, by GC type.').withTarget(
        prom(
          'A',
          `sum by (${LABELS.service}, ${LABELS.gcType}) (rate(${sel(METRICS.gcDurationCount)}[$__rate_interval]))`,
          '{{service_name}} {{v8js_gc_type}}',
        ),
      ),
    )
    .withPanel(
      timeseries(
        'Telemetry dropped by the SDK',
        'short',
        'Spans, logs and metric points @sightline/node dropped (queue full or exporter failing).',
      ).withTarget(
        prom(
          'A',
          `sum by (${LABELS.service}) (increase(${sel(METRICS.sdkDropped)}[$__rate_interval]))`,
          '{{service_name}}',
        ),
      ),
    );
}
