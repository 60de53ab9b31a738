// Trace waterfall: nested, collapsible, service-coloured rows with the critical path marked; virtualized.
import { useMemo, useState } from 'preact/hooks';
import { serviceColor } from '../lib/colors';
import { formatDurationMs } from '../lib/format';
import { type SpanNode, type TraceTree, visibleRows } from '../lib/trace-model';
import { VirtualList } from './virtual-list';

const ROW = 26;

/** Indentation grows slower past 12 levels and stops at 30, so deep chains keep their names readable. */
function indent(depth: number): number {
  return 4 + Math.min(depth, 12) * 14 + Math.max(0, Math.min(depth, 30) - 12) * 4;
}

export function Waterfall({
  tree,
  selectedId,
  onSelect,
}: {
  tree: TraceTree;
  selectedId: string;
  onSelect: (spanId: string) => void;
}) {
  const [collapsed, setCollapsed] = useState<Set<string>>(() => new Set());
  const rows = useMemo(() => visibleRows(tree, collapsed), [tree, collapsed]);
  const total = Math.max(1e-6, tree.endMs - tree.startMs);
  const selectedIndex = rows.findIndex((r) => r.spanId === selectedId);

  const toggle = (n: SpanNode) => {
    const next = new Set(collapsed);
    if (next.has(n.spanId)) next.delete(n.spanId);
    else next.add(n.spanId);
    setCollapsed(next);
  };

  const renderRow = (i: number) => {
    const n = rows[i] as SpanNode;
    const left = ((n.startMs - tree.startMs) / total) * 100;
    const width = Math.max(0.15, (n.durationMs / total) * 100);
    const color = serviceColor(n.service);
    const isCollapsed = collapsed.has(n.spanId);
    return (
      <div
        class={`wf-row${n.isError ? ' err' : ''}`}
        data-span-id={n.spanId}
        data-parent-id={n.parentId}
        data-depth={n.depth}
      >
        <div class="wf-name" style={{ paddingLeft: `${indent(n.depth)}px` }}>
          {n.children.length ? (
            <button
              type="button"
              class="twisty"
              aria-expanded={!isCollapsed}
              aria-label={`${isCollapsed ? 'Expand' : 'Collapse'} ${n.span.name}`}
              onClick={(e) => {
                e.stopPropagation();
                toggle(n);
              }}
            >
              {isCollapsed ? '▸' : '▾'}
            </button>
          ) : (
            <span class="twisty-space" />
          )}
          <span class="svc-dot" style={{ background: color }} />
          <span class="svc">{n.service}</span>
          <span class="span-name">{n.span.name}</span>
          {isCollapsed ? <span class="hidden-count">+{n.children.length}</span> : null}
        </div>
        <div class="wf-track">
          <div
            class={n.critical ? 'wf-bar critical' : 'wf-bar'}
            style={{ left: `${left}%`, width: `${width}%`, background: color }}
            title={`${n.service} ${n.span.name}: starts at +${formatDurationMs(n.startMs - tree.startMs)}, takes ${formatDurationMs(n.durationMs)}${n.critical ? ' (critical path)' : ''}`}
          />
          <span class="wf-dur" style={{ left: `${left + width}%` }}>
            {formatDurationMs(n.durationMs)}
          </span>
        </div>
      </div>
    );
  };

  return (
    <div class="waterfall" data-rows={rows.length}>
      <div class="wf-head">
        <div class="wf-name">Span</div>
        <div class="wf-track ticks">
          {[0, 0.25, 0.5, 0.75].map((f) => (
            <span key={f} style={{ left: `${f * 100}%` }}>
              {formatDurationMs(total * f)}
            </span>
          ))}
          <span class="end">{formatDurationMs(total)}</span>
        </div>
      </div>
      <VirtualList
        label="Trace waterfall"
        count={rows.length}
        rowHeight={ROW}
        renderRow={renderRow}
        selected={selectedIndex >= 0 ? selectedIndex : undefined}
        onSelect={(i) => onSelect((rows[i] as SpanNode).spanId)}
        onActivate={(i) => {
          const n = rows[i] as SpanNode;
          if (n.children.length) toggle(n);
        }}
      />
    </div>
  );
}
