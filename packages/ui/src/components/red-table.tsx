// Rate / errors / duration table used for services and for a service's routes; sortable, keyboard navigable.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import type { RedRow } from '../lib/api-types';
import { formatCount, formatDurationMs, formatPercent, formatRate } from '../lib/format';
import { onTableKeyDown } from './table-keys';

type SortKey = 'name' | 'requests' | 'rate' | 'errorRatio' | 'p50Ms' | 'p95Ms' | 'p99Ms';

const COLUMNS: { key: SortKey; label: string; num: boolean }[] = [
  { key: 'requests', label: 'Requests', num: true },
  { key: 'rate', label: 'Rate', num: true },
  { key: 'errorRatio', label: 'Errors', num: true },
  { key: 'p50Ms', label: 'p50', num: true },
  { key: 'p95Ms', label: 'p95', num: true },
  { key: 'p99Ms', label: 'p99', num: true },
];

export function RedTable(props: {
  label: string;
  nameHeader: string;
  rows: RedRow[];
  loading: boolean;
  href?: (r: RedRow) => string;
  /** Extra <td> cells per row, with their headers. */
  extra?: (r: RedRow) => ComponentChildren;
  extraHeaders?: string[];
}) {
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: 'name', desc: false });
  const rows = [...props.rows].sort((a, b) => {
    const av = a[sort.key];
    const bv = b[sort.key];
    const c = typeof av === 'string' ? av.localeCompare(bv as string) : (av as number) - (bv as number);
    return sort.desc ? -c : c;
  });
  const header = (key: SortKey, label: string, num: boolean) => (
    <th
      key={key}
      class={num ? 'num' : undefined}
      aria-sort={sort.key === key ? (sort.desc ? 'descending' : 'ascending') : 'none'}
    >
      <button
        type="button"
        class="sort"
        onClick={() => setSort({ key, desc: sort.key === key ? !sort.desc : key !== 'name' })}
      >
        {label}
        {sort.key === key ? (sort.desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  return (
    <table class="data" aria-label={props.label} aria-busy={props.loading}>
      <thead>
        <tr>
          {header('name', props.nameHeader, false)}
          {COLUMNS.map((c) => header(c.key, c.label, c.num))}
          {(props.extraHeaders ?? []).map((h) => (
            <th key={h}>{h}</th>
          ))}
        </tr>
      </thead>
      <tbody onKeyDown={(e) => onTableKeyDown(e as unknown as KeyboardEvent)}>
        {props.loading && rows.length === 0 ? (
          <tr class="placeholder">
            <td colSpan={7 + (props.extraHeaders?.length ?? 0)}>Loading…</td>
          </tr>
        ) : null}
        {rows.map((r) => (
          <tr key={r.name} tabIndex={0} class={r.errorRatio > 0.05 ? 'bad' : undefined}>
            <td class="name">{props.href ? <a href={props.href(r)}>{r.name}</a> : r.name}</td>
            <td class="num">{formatCount(r.requests)}</td>
            <td class="num">{formatRate(r.rate)}</td>
            <td class="num">{formatPercent(r.errorRatio)}</td>
            <td class="num">{formatDurationMs(r.p50Ms)}</td>
            <td class="num">{formatDurationMs(r.p95Ms)}</td>
            <td class="num">{formatDurationMs(r.p99Ms)}</td>
            {props.extra?.(r)}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
