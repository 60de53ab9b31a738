// The time range and auto-refresh shared by every page; both live in the query string (`from`, `to`, `refresh`).
import { useState } from 'preact/hooks';
import { REFRESH_CHOICES, refreshNow } from '../lib/refresh';
import { currentParams, setParams } from '../lib/router';
import { DEFAULT_FROM, DEFAULT_TO, RANGE_PRESETS, rangeFromParams, resolveTime } from '../lib/time-range';

/** Epoch milliseconds are shown as RFC 3339 (which the API accepts too); `now-15m` stays as typed. */
function readable(expr: string): string {
  return /^\d{10,}(\.\d+)?$/.test(expr) ? new Date(Number(expr)).toISOString() : expr;
}

/** Remount with `key` = the URL's range so the inputs always show the range in effect. */
export function TimeRangePicker() {
  const p = currentParams();
  const range = rangeFromParams(p);
  const preset = range.to === DEFAULT_TO ? RANGE_PRESETS.find((r) => r.from === range.from) : undefined;
  const [custom, setCustom] = useState(!preset);
  const [from, setFrom] = useState(readable(range.from));
  const [to, setTo] = useState(readable(range.to));
  const [invalid, setInvalid] = useState('');

  const apply = (e: Event) => {
    e.preventDefault();
    const bad = resolveTime(from) == null ? 'from' : resolveTime(to) == null ? 'to' : '';
    setInvalid(bad);
    if (!bad) setParams({ from, to });
  };

  return (
    <div class="range">
      <label>
        <span class="sr-only">Time range</span>
        <select
          aria-label="Time range"
          value={custom ? 'custom' : range.from}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            if (v === 'custom') {
              setCustom(true);
              return;
            }
            setCustom(false);
            setFrom(v);
            setTo(DEFAULT_TO);
            setParams({ from: v === DEFAULT_FROM ? undefined : v, to: undefined });
          }}
        >
          {RANGE_PRESETS.map((r) => (
            <option key={r.from} value={r.from}>
              {r.label}
            </option>
          ))}
          <option value="custom">Custom…</option>
        </select>
      </label>
      {custom ? (
        <form class="range-custom" onSubmit={apply}>
          <input
            aria-label="From"
            aria-invalid={invalid === 'from'}
            title="now-15m, ms since epoch or 2026-11-26T10:00:00Z"
            value={from}
            onInput={(e) => setFrom((e.target as HTMLInputElement).value)}
          />
          <input
            aria-label="To"
            aria-invalid={invalid === 'to'}
            title="now, ms since epoch or 2026-11-26T10:00:00Z"
            value={to}
            onInput={(e) => setTo((e.target as HTMLInputElement).value)}
          />
          <button type="submit">Apply</button>
        </form>
      ) : null}
      <select
        aria-label="Auto-refresh"
        title="Auto-refresh"
        value={p.get('refresh') ?? ''}
        onChange={(e) => setParams({ refresh: (e.target as HTMLSelectElement).value })}
      >
        {REFRESH_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.value ? `↻ ${c.label}` : '↻ Off'}
          </option>
        ))}
      </select>
      <button type="button" onClick={refreshNow} title="Refresh now" aria-label="Refresh now">
        ↻
      </button>
    </div>
  );
}
