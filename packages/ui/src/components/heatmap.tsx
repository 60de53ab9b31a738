// Latency heatmap: one column per time step, one row per histogram bucket, colour = count (log scale).
import { useEffect, useRef } from 'preact/hooks';
import { formatTime, formatUnit } from '../lib/format';

export interface HeatmapProps {
  title: string;
  bounds: number[];
  points: [number, number[]][];
  unit: string;
  /** Width of one column (the query step) in ms. */
  stepMs: number;
  /** The visible range in ms since the epoch. */
  fromMs: number;
  toMs: number;
  height?: number;
}

function bucketLabel(bounds: number[], i: number, unit: string): string {
  if (i >= bounds.length) return `> ${formatUnit(bounds[bounds.length - 1] ?? 0, unit)}`;
  return `≤ ${formatUnit(bounds[i] ?? 0, unit)}`;
}

export function Heatmap({ title, bounds, points, unit, stepMs, fromMs, toMs, height = 220 }: HeatmapProps) {
  const ref = useRef<HTMLCanvasElement>(null);
  const tip = useRef<HTMLDivElement>(null);
  const buckets = bounds.length + 1;
  // Drop empty top/bottom buckets so the interesting band fills the chart.
  let lo = buckets;
  let hi = -1;
  let max = 0;
  for (const [, counts] of points) {
    counts.forEach((c, i) => {
      if (c > 0) {
        lo = Math.min(lo, i);
        hi = Math.max(hi, i);
        max = Math.max(max, c);
      }
    });
  }
  const cells = hi < 0 ? 0 : points.length * (hi - lo + 1);

  useEffect(() => {
    const canvas = ref.current;
    if (!canvas) return;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = height;
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(dpr, dpr);
    ctx.clearRect(0, 0, w, h);
    if (hi < 0) return;
    const style = getComputedStyle(document.documentElement);
    const hue = style.getPropertyValue('--heat-hue').trim() || '200';
    const rows = hi - lo + 1;
    const span = Math.max(1, toMs - fromMs);
    const cw = Math.max(1, (stepMs / span) * w);
    const ch = h / rows;
    const logMax = Math.log1p(max);
    for (const [t, counts] of points) {
      const x = ((t - fromMs) / span) * w;
      for (let b = lo; b <= hi; b++) {
        const c = counts[b] ?? 0;
        if (c <= 0) continue;
        const a = 0.15 + 0.85 * (Math.log1p(c) / logMax);
        ctx.fillStyle = `hsla(${hue}, 80%, 50%, ${a.toFixed(3)})`;
        ctx.fillRect(x, h - (b - lo + 1) * ch, Math.ceil(cw), Math.ceil(ch));
      }
    }
  }, [bounds, points, height, lo, hi, max, stepMs, fromMs, toMs]);

  const onMove = (e: MouseEvent) => {
    const canvas = ref.current;
    const t = tip.current;
    if (!canvas || !t || hi < 0) return;
    const r = canvas.getBoundingClientRect();
    const t0 = fromMs + ((e.clientX - r.left) / r.width) * (toMs - fromMs);
    const b = hi - Math.floor(((e.clientY - r.top) / r.height) * (hi - lo + 1));
    const p = points.find(([t]) => t <= t0 && t0 < t + stepMs);
    if (!p) {
      t.textContent = `${formatTime(t0)} · no requests`;
      return;
    }
    t.textContent = `${formatTime(p[0])} · ${bucketLabel(bounds, b, unit)} · ${p[1][b] ?? 0} requests`;
  };

  return (
    <figure class="chart heatmap" data-cells={cells}>
      <figcaption>{title}</figcaption>
      <div class="heatmap-body">
        <div class="heatmap-axis" style={{ height: `${height}px` }}>
          <span>{hi >= 0 ? bucketLabel(bounds, hi, unit) : ''}</span>
          <span>{hi >= 0 ? bucketLabel(bounds, lo, unit) : ''}</span>
        </div>
        <canvas ref={ref} style={{ height: `${height}px` }} onMouseMove={onMove} />
      </div>
      <div class="heatmap-tip" ref={tip}>
        {cells === 0 ? 'No histogram buckets in this range' : 'Hover for bucket counts'}
      </div>
    </figure>
  );
}
