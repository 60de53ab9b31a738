// One service: rate, errors and latency over time, the latency heatmap, and the same RED table per route.
import { ErrorBanner } from '../components/empty-state';
import { Heatmap } from '../components/heatmap';
import { RedTable } from '../components/red-table';
import { type ChartSeries, TimeChart } from '../components/time-chart';
import { apiUrl, useApi } from '../lib/api';
import type { HeatmapSeries, RedRow, SeriesPoint } from '../lib/api-types';
import { currentParams, hrefWith } from '../lib/router';
import { rangeFromParams, resolveRange, stepFor, stepMs } from '../lib/time-range';

function toSeries(points: SeriesPoint[], key: keyof SeriesPoint, label: string, scale = 1): ChartSeries {
  return { label, points: points.map((p) => [p.t, p[key] == null ? null : (p[key] as number) * scale]) };
}

export function ServicePage({ service }: { service: string }) {
  const range = rangeFromParams(currentParams());
  const step = stepFor(range);
  const base = `/api/services/${encodeURIComponent(service)}`;
  const series = useApi<{ points: SeriesPoint[] }>(apiUrl(`${base}/series`, { ...range, step }));
  const ops = useApi<{ operations: RedRow[] }>(apiUrl(`${base}/operations`, { ...range }));
  const heat = useApi<{ bounds: number[]; series: HeatmapSeries[] }>(
    apiUrl('/api/metrics/series', {
      name: 'http.server.request.duration',
      agg: 'heatmap',
      'attr.service.name': service,
      ...range,
      step,
    }),
  );
  const pts = series.data?.points ?? [];
  const heatPoints = mergeHeatmap(heat.data?.series ?? []);
  return (
    <section class="page">
      <h1>
        <a href={hrefWith('/services')}>Services</a> / {service}
      </h1>
      <p class="actions">
        <a href={hrefWith('/traces', { service })}>Traces of {service}</a>
        <a href={hrefWith('/logs', { service })}>Logs of {service}</a>
      </p>
      <ErrorBanner error={series.error ?? ops.error} />
      <div class="charts">
        <TimeChart title="Request rate" unit="/s" series={[toSeries(pts, 'rate', 'requests/s')]} />
        <TimeChart title="Error ratio" unit="%" series={[toSeries(pts, 'errorRatio', 'errors', 100)]} />
        <TimeChart
          title="Latency"
          unit="ms"
          series={[toSeries(pts, 'p50Ms', 'p50'), toSeries(pts, 'p95Ms', 'p95'), toSeries(pts, 'p99Ms', 'p99')]}
        />
        <Heatmap
          title="Latency heatmap (http.server.request.duration)"
          unit="s"
          stepMs={stepMs(step)}
          {...resolveRange(range)}
          bounds={heat.data?.bounds ?? []}
          points={heatPoints}
        />
      </div>
      <h2>Routes</h2>
      <RedTable
        label={`Routes of ${service}`}
        nameHeader="Route"
        rows={ops.data?.operations ?? []}
        loading={ops.loading && !ops.data}
        href={(r) => hrefWith('/traces', { service, name: r.name })}
      />
    </section>
  );
}

/** Sum the bucket counts of every label set into one histogram per step. */
export function mergeHeatmap(series: HeatmapSeries[]): [number, number[]][] {
  const byT = new Map<number, number[]>();
  for (const s of series) {
    for (const [t, counts] of s.points) {
      const acc = byT.get(t);
      if (!acc) byT.set(t, [...counts]);
      else
        counts.forEach((c, i) => {
          acc[i] = (acc[i] ?? 0) + c;
        });
    }
  }
  return [...byT.entries()].sort((a, b) => a[0] - b[0]);
}
