// A tiny SVG line; built as elements, so nothing from the data is ever parsed as markup.

export function Sparkline({ values, width = 96, height = 22 }: { values: number[]; width?: number; height?: number }) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length < 2) return <svg class="spark" width={width} height={height} aria-hidden="true" />;
  const max = Math.max(...finite, 1e-9);
  const stepX = width / (values.length - 1);
  const pts = values
    .map(
      (v, i) =>
        `${(i * stepX).toFixed(1)},${(height - 1 - ((Number.isFinite(v) ? v : 0) / max) * (height - 2)).toFixed(1)}`,
    )
    .join(' ');
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      <polyline points={pts} fill="none" stroke="currentColor" stroke-width="1.5" />
    </svg>
  );
}
