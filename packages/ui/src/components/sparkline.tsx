// A tiny SVG trend line built as elements (nothing from the data is parsed as markup). Missing values
// (NaN: no requests in that step) break the line instead of dropping to zero; a lone value is a dot.

export function Sparkline({ values, width = 96, height = 22 }: { values: number[]; width?: number; height?: number }) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return <svg class="spark" width={width} height={height} aria-hidden="true" />;
  const max = Math.max(...finite, 1e-9);
  const stepX = values.length > 1 ? width / (values.length - 1) : 0;
  const y = (v: number) => (height - 1 - (v / max) * (height - 2)).toFixed(1);
  const segments: string[][] = [];
  const dots: [string, string][] = [];
  let cur: string[] = [];
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) {
      if (cur.length) segments.push(cur);
      cur = [];
      return;
    }
    cur.push(`${(i * stepX).toFixed(1)},${y(v)}`);
  });
  if (cur.length) segments.push(cur);
  for (const seg of segments) if (seg.length === 1) dots.push((seg[0] as string).split(',') as [string, string]);
  return (
    <svg class="spark" width={width} height={height} viewBox={`0 0 ${width} ${height}`} aria-hidden="true">
      {segments
        .filter((seg) => seg.length > 1)
        .map((seg) => (
          <polyline key={seg[0]} points={seg.join(' ')} fill="none" stroke="currentColor" stroke-width="1.5" />
        ))}
      {dots.map(([cx, cy]) => (
        <circle key={`${cx},${cy}`} cx={cx} cy={cy} r="1.8" fill="currentColor" />
      ))}
    </svg>
  );
}
