// Metric browser: names with type/unit/description, a chart with group-by and aggregation, heatmaps for histograms.
import { useState } from 'preact/hooks';
import { EmptyState, ErrorBanner } from '../components/empty-state';
import { Heatmap } from '../components/heatmap';
import { TimeChart } from '../components/time-chart';
import { apiUrl, useApi } from '../lib/api';
import type { HeatmapSeries, MetricInfo, MetricSeries } from '../lib/api-types';
import { attrPatch, attrsFromParams, attrsToText, parseAttrText } from '../lib/attr-filter';
import { currentParams, setParams } from '../lib/router';
import { rangeFromParams, resolveRange, stepFor, stepMs } from '../lib/time-range';
import { mergeHeatmap } from './service-page';

export function aggsFor(m: MetricInfo): string[] {
  if (m.type === 'histogram' || m.type === 'exponential_histogram') return ['p50', 'p90', 'p95', 'p99'];
  if (m.type === 'sum' && m.monotonic !== false) return ['rate', 'increase', 'last'];
  return ['last', 'avg', 'sum', 'min', 'max'];
}

function seriesLabel(labels: Record<string, string>, metric: string): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(', ') : metric;
}

function MetricView({ metric, params }: { metric: MetricInfo; params: URLSearchParams }) {
  const range = rangeFromParams(params);
  const step = stepFor(range);
  const aggs = aggsFor(metric);
  const agg = aggs.includes(params.get('agg') ?? '') ? (params.get('agg') as string) : (aggs[0] as string);
  const groupBy = params.get('groupBy') ?? '';
  const attrs = attrsFromParams(params);
  const labels = useApi<{ labels: Record<string, string[]> }>(
    apiUrl('/api/metrics/labels', { name: metric.name, ...range }),
    { refresh: false },
  );
  const series = useApi<{ series: MetricSeries[] }>(
    apiUrl('/api/metrics/series', { name: metric.name, ...range, step, agg, groupBy, ...attrs }),
  );
  const isHist = metric.type === 'histogram' || metric.type === 'exponential_histogram';
  const heat = useApi<{ bounds: number[]; series: HeatmapSeries[] }>(
    isHist ? apiUrl('/api/metrics/series', { name: metric.name, ...range, step, agg: 'heatmap', ...attrs }) : null,
  );
  const [attrText, setAttrText] = useState(attrsToText(params));
  const [problem, setProblem] = useState('');
  // A counter's rate is "per second" whatever it counts; other aggregations keep the metric's own unit.
  const chartUnit = agg === 'rate' ? '/s' : metric.unit;
  return (
    <div class="metric-view">
      <h2 class="mono">{metric.name}</h2>
      <p class="muted">
        {metric.type}
        {metric.monotonic ? ' (monotonic)' : ''} · unit {metric.unit || '1'}
        {metric.temporality ? ` · ${metric.temporality}` : ''}
        {metric.services?.length ? ` · ${metric.services.join(', ')}` : ''}
      </p>
      {metric.description ? <p>{metric.description}</p> : null}
      <form
        class="filters"
        aria-label="Metric query"
        onSubmit={(e) => {
          e.preventDefault();
          const parsed = parseAttrText(attrText);
          if ('error' in parsed) return setProblem(parsed.error);
          setProblem('');
          setParams(attrPatch(currentParams(), parsed.attrs));
        }}
      >
        <label>
          Aggregation
          <select value={agg} onChange={(e) => setParams({ agg: (e.target as HTMLSelectElement).value })}>
            {aggs.map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        <label>
          Group by
          <select value={groupBy} onChange={(e) => setParams({ groupBy: (e.target as HTMLSelectElement).value })}>
            <option value="">(none)</option>
            {Object.keys(labels.data?.labels ?? {})
              .sort()
              .map((k) => (
                <option key={k} value={k}>
                  {k} ({labels.data?.labels[k]?.length ?? 0})
                </option>
              ))}
          </select>
        </label>
        <label class="grow">
          Filter
          <input
            value={attrText}
            placeholder="http.route=/orders"
            onInput={(e) => setAttrText((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit">Apply</button>
        {problem ? (
          <p class="problem" role="alert">
            {problem}
          </p>
        ) : null}
      </form>
      <ErrorBanner error={series.error} />
      <TimeChart
        title={`${agg}(${metric.name})${groupBy ? ` by ${groupBy}` : ''}`}
        unit={chartUnit}
        series={(series.data?.series ?? []).map((s) => ({
          label: seriesLabel(s.labels, metric.name),
          points: s.points,
        }))}
        height={260}
      />
      {isHist ? (
        <Heatmap
          title={`${metric.name} buckets`}
          unit={metric.unit}
          stepMs={stepMs(step)}
          {...resolveRange(range)}
          bounds={heat.data?.bounds ?? []}
          points={mergeHeatmap(heat.data?.series ?? [])}
        />
      ) : null}
    </div>
  );
}

export function MetricsPage() {
  const params = currentParams();
  const range = rangeFromParams(params);
  const { data, error } = useApi<{ metrics: MetricInfo[] }>(apiUrl('/api/metrics', { ...range }));
  const [filter, setFilter] = useState('');
  const metrics = (data?.metrics ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
  const shown = metrics.filter((m) => m.name.toLowerCase().includes(filter.toLowerCase()));
  const name = params.get('metric') ?? '';
  const metric = metrics.find((m) => m.name === name);
  return (
    <section class="page metrics-page">
      <h1>Metrics</h1>
      <ErrorBanner error={error} />
      {data && metrics.length === 0 ? (
        <EmptyState what="metrics" />
      ) : (
        <div class="metrics-body">
          <nav class="metric-list" aria-label="Metric names">
            <input
              type="search"
              aria-label="Find a metric"
              placeholder="Find a metric…"
              value={filter}
              onInput={(e) => setFilter((e.target as HTMLInputElement).value)}
            />
            <ul>
              {shown.map((m) => (
                <li key={m.name}>
                  <button
                    type="button"
                    class={m.name === name ? 'active' : undefined}
                    aria-current={m.name === name ? 'true' : undefined}
                    title={m.description}
                    onClick={() =>
                      setParams({ metric: m.name, agg: undefined, groupBy: undefined, ...attrPatch(params, {}) }, false)
                    }
                  >
                    <span class="mono">{m.name}</span>
                    <span class="muted">
                      {m.type}
                      {m.unit ? ` · ${m.unit}` : ''}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          {metric ? (
            <MetricView key={metric.name} metric={metric} params={params} />
          ) : (
            <p class="none">{data ? 'Choose a metric on the left.' : 'Loading…'}</p>
          )}
        </div>
      )}
    </section>
  );
}
