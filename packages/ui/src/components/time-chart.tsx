// Time-series line chart on uPlot (canvas, ~50 kB, fast with thousands of points).
import { useEffect, useRef } from 'preact/hooks';
import type uPlot from 'uplot';
import { PALETTE } from '../lib/colors';
import { formatUnit } from '../lib/format';
import { currentParams } from '../lib/router';
import { rangeFromParams, resolveTime } from '../lib/time-range';

let uplotModule: Promise<typeof uPlot> | undefined;
function loadUPlot(): Promise<typeof uPlot> {
  uplotModule ??= import('./uplot-chunk').then((m) => m.default);
  return uplotModule;
}

export interface ChartSeries {
  label: string;
  points: [number, number | null][];
}

/** One shared x array (seconds) with a y array per series; `extraTs` (ms) are added as empty slots. */
export function alignSeries(series: ChartSeries[], extraTs: number[] = []): uPlot.AlignedData {
  const ts = new Set<number>(extraTs);
  for (const s of series) for (const [t] of s.points) ts.add(t);
  const xs = [...ts].sort((a, b) => a - b);
  const index = new Map(xs.map((t, i) => [t, i]));
  const data: (number | null)[][] = [xs.map((t) => t / 1000)];
  for (const s of series) {
    const ys: (number | null)[] = new Array(xs.length).fill(null);
    for (const [t, v] of s.points) ys[index.get(t) as number] = v;
    data.push(ys);
  }
  return data as uPlot.AlignedData;
}

export function TimeChart({
  title,
  series,
  unit,
  height = 200,
}: {
  title: string;
  series: ChartSeries[];
  unit: string;
  height?: number;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const pointCount = series.reduce((n, s) => n + s.points.filter((p) => p[1] != null).length, 0);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    let plot: uPlot | undefined;
    let ro: ResizeObserver | undefined;
    let cancelled = false;
    // uPlot is loaded on first use, so pages without charts (services, logs, traces) start faster.
    void loadUPlot().then((UPlot) => {
      if (cancelled) return;
      plot = new UPlot(chartOptions(el), alignSeries(series, [xMin, xMax]), el);
      ro = new ResizeObserver(() => plot?.setSize({ width: Math.max(200, el.clientWidth), height }));
      ro.observe(el);
    });
    const style = getComputedStyle(document.documentElement);
    const fg = style.getPropertyValue('--muted').trim() || '#888';
    const grid = style.getPropertyValue('--grid').trim() || 'rgba(128,128,128,0.2)';
    const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
    // The x axis always spans the selected range, so a lone point does not stretch it to years.
    const range = rangeFromParams(currentParams());
    const now = Date.now();
    const xMin = resolveTime(range.from, now) ?? now - 3_600_000;
    const xMax = resolveTime(range.to, now) ?? now;
    const chartOptions = (el: HTMLElement): uPlot.Options => ({
      width: Math.max(200, el.clientWidth),
      height,
      legend: { show: true, live: true },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true } },
      axes: [axis, { ...axis, size: 84, values: (_u, vals) => vals.map((v) => formatUnit(v, unit)) }],
      series: [
        {},
        ...series.map((s, i) => ({
          label: s.label,
          stroke: PALETTE[i % PALETTE.length],
          width: 1.5,
          spanGaps: false,
          // Sparse series (a few scrapes so far) need dots: a lone value has no line to draw.
          points: { show: s.points.filter((p) => p[1] != null).length < 30 },
          value: (_u: uPlot, v: number | null) => (v == null ? '–' : formatUnit(v, unit)),
        })),
      ],
    });
    return () => {
      cancelled = true;
      ro?.disconnect();
      plot?.destroy();
    };
  }, [series, unit, height]);

  return (
    <figure class="chart" data-points={pointCount}>
      <figcaption>{title}</figcaption>
      <div ref={ref} class="chart-body" style={{ minHeight: `${height + 40}px` }} />
      {pointCount === 0 ? <div class="chart-empty">No data points in this range</div> : null}
    </figure>
  );
}
