// Fixed-height row virtualization: only the rows in view (plus a margin) exist in the DOM, so 100,000 log rows
// or 5,000 spans cost the same to scroll as 50.
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  renderRow: (index: number) => ComponentChildren;
  /** Called when the user scrolls within a screen of the end (infinite scroll). */
  onEndReached?: () => void;
  selected?: number;
  onSelect?: (index: number) => void;
  /** Enter on the selected row. */
  onActivate?: (index: number) => void;
  label: string;
  class?: string;
  /** Rows inserted at the top since the last render; the view keeps showing the same rows (live tail). */
  prepended?: number;
}

const OVERSCAN = 8;

export function VirtualList(props: VirtualListProps) {
  const { count, rowHeight, renderRow, selected, onSelect, onActivate } = props;
  const ref = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setHeight(el.clientHeight || 600);
    const ro = new ResizeObserver(() => setHeight(el.clientHeight || 600));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const lastPrepended = useRef(props.prepended ?? 0);
  useLayoutEffect(() => {
    const el = ref.current;
    const delta = (props.prepended ?? 0) - lastPrepended.current;
    lastPrepended.current = props.prepended ?? 0;
    if (el && delta > 0 && el.scrollTop > 0) {
      el.scrollTop += delta * rowHeight;
      setScrollTop(el.scrollTop);
    }
  }, [props.prepended]);

  // Chrome already delivers scroll events once per frame; rendering in the same frame avoids showing stale rows.
  const onScroll = () => {
    const el = ref.current;
    if (el) setScrollTop(el.scrollTop);
  };

  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - OVERSCAN);
  const last = Math.min(count, Math.ceil((scrollTop + height) / rowHeight) + OVERSCAN);

  useEffect(() => {
    if (props.onEndReached && count > 0 && last >= count - Math.ceil(height / rowHeight)) props.onEndReached();
  }, [last, count]);

  const scrollIntoView = (i: number) => {
    const el = ref.current;
    if (!el) return;
    const top = i * rowHeight;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + rowHeight > el.scrollTop + el.clientHeight) el.scrollTop = top + rowHeight - el.clientHeight;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (!onSelect || count === 0) return;
    const cur = selected ?? -1;
    const page = Math.max(1, Math.floor(height / rowHeight) - 1);
    let next = cur;
    if (e.key === 'ArrowDown') next = Math.min(count - 1, cur + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, cur - 1);
    else if (e.key === 'PageDown') next = Math.min(count - 1, cur + page);
    else if (e.key === 'PageUp') next = Math.max(0, cur - page);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = count - 1;
    else if (e.key === 'Enter' && cur >= 0 && onActivate) {
      e.preventDefault();
      onActivate(cur);
      return;
    } else return;
    e.preventDefault();
    onSelect(next);
    scrollIntoView(next);
  };

  const rows: ComponentChildren[] = new Array(Math.max(0, last - first));
  // Keys are slots, not row indexes: while scrolling, the same DOM nodes are reused for the rows coming into
  // view and only their text and offset change, instead of creating and dropping a screenful of nodes per frame.
  const slots = Math.max(1, last - first);
  for (let i = first; i < last; i++) {
    // Placed by slot too, so the children keep their order and Preact never moves nodes.
    rows[i % slots] = (
      // Rows are absolutely positioned divs (a <tr> cannot be); focus stays on the grid, which handles the keys.
      // biome-ignore lint/a11y/useKeyWithClickEvents: the grid container handles arrow keys and Enter
      // biome-ignore lint/a11y/useFocusableInteractive: see above; the grid is the focus target
      // biome-ignore lint/a11y/useSemanticElements: virtualized rows cannot be table rows
      <div
        key={i % slots}
        role="row"
        aria-rowindex={i + 1}
        aria-selected={selected === i}
        class={selected === i ? 'vrow selected' : 'vrow'}
        style={{ transform: `translateY(${i * rowHeight}px)`, height: `${rowHeight}px` }}
        onClick={onSelect ? () => onSelect(i) : undefined}
      >
        {renderRow(i)}
      </div>
    );
  }

  return (
    // biome-ignore lint/a11y/useSemanticElements: a virtualized grid of positioned divs, not a <table>
    <div
      ref={ref}
      class={`vlist ${props.class ?? ''}`}
      role="grid"
      aria-label={props.label}
      aria-rowcount={count}
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
    >
      <div class="vlist-spacer" style={{ height: `${count * rowHeight}px` }}>
        {rows}
      </div>
    </div>
  );
}
