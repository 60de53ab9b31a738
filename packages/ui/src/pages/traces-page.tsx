// Trace search: service, operation, status, duration range and attributes; results with duration bars.
import { useState } from 'preact/hooks';
import { CopyButton } from '../components/copy-button';
import { EmptyState, ErrorBanner } from '../components/empty-state';
import { onTableKeyDown } from '../components/table-keys';
import { apiUrl, useApi } from '../lib/api';
import type { RedRow, TraceSummary } from '../lib/api-types';
import { attrPatch, attrsFromParams, attrsToText, parseAttrText } from '../lib/attr-filter';
import { serviceColor } from '../lib/colors';
import { formatDateTime, formatDurationMs } from '../lib/format';
import { currentParams, hrefWith, setParams } from '../lib/router';
import { rangeFromParams } from '../lib/time-range';

type SortKey = 'startMs' | 'durationMs' | 'spanCount' | 'errorCount';
const SORTS: SortKey[] = ['startMs', 'durationMs', 'spanCount', 'errorCount'];

function SearchForm({ params }: { params: URLSearchParams }) {
  const range = rangeFromParams(params);
  const services = useApi<{ services: RedRow[] }>(apiUrl('/api/services', { ...range }), { refresh: false });
  const [service, setService] = useState(params.get('service') ?? '');
  const ops = useApi<{ operations: RedRow[] }>(
    service ? apiUrl(`/api/services/${encodeURIComponent(service)}/operations`, { ...range }) : null,
    { refresh: false },
  );
  const [name, setName] = useState(params.get('name') ?? '');
  const [status, setStatus] = useState(params.get('status') ?? '');
  const [min, setMin] = useState(params.get('minDurationMs') ?? '');
  const [max, setMax] = useState(params.get('maxDurationMs') ?? '');
  const [attrs, setAttrs] = useState(attrsToText(params));
  const [problem, setProblem] = useState('');

  const submit = (e: Event) => {
    e.preventDefault();
    const parsed = parseAttrText(attrs);
    if ('error' in parsed) return setProblem(parsed.error);
    for (const [label, v] of [
      ['min duration', min],
      ['max duration', max],
    ] as const) {
      if (v && !(Number(v) >= 0)) return setProblem(`${label} "${v}" is not a number of milliseconds ≥ 0`);
    }
    setProblem('');
    setParams({
      service,
      name,
      status,
      minDurationMs: min,
      maxDurationMs: max,
      ...attrPatch(currentParams(), parsed.attrs),
    });
  };
  const names = services.data?.services.map((s) => s.name);
  return (
    <form class="filters" onSubmit={submit} aria-label="Trace search">
      <label>
        Service
        <select value={service} onChange={(e) => setService((e.target as HTMLSelectElement).value)}>
          <option value="">All services</option>
          {(names ?? (service ? [service] : [])).map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        Operation
        <input
          list="operations"
          value={name}
          placeholder="GET /orders/:id"
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
        <datalist id="operations">
          {(ops.data?.operations ?? []).map((o) => (
            <option key={o.name} value={o.name} />
          ))}
        </datalist>
      </label>
      <label>
        Status
        <select value={status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
          <option value="">Any</option>
          <option value="error">Error</option>
          <option value="ok">OK</option>
          <option value="unset">Unset</option>
        </select>
      </label>
      <label>
        Min ms
        <input
          class="short"
          inputMode="decimal"
          value={min}
          onInput={(e) => setMin((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Max ms
        <input
          class="short"
          inputMode="decimal"
          value={max}
          onInput={(e) => setMax((e.target as HTMLInputElement).value)}
        />
      </label>
      <label class="grow">
        Attributes
        <input
          value={attrs}
          placeholder="http.route=/orders, user.id=42"
          onInput={(e) => setAttrs((e.target as HTMLInputElement).value)}
        />
      </label>
      <button type="submit">Search</button>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

export function TracesPage() {
  const params = currentParams();
  const range = rangeFromParams(params);
  const query = {
    ...range,
    service: params.get('service'),
    name: params.get('name'),
    status: params.get('status'),
    minDurationMs: params.get('minDurationMs'),
    maxDurationMs: params.get('maxDurationMs'),
    limit: 50,
    ...attrsFromParams(params),
  };
  const { data, error, loading } = useApi<{ traces: TraceSummary[] }>(apiUrl('/api/traces', query));
  const sortKey = (SORTS.includes(params.get('sort') as SortKey) ? params.get('sort') : 'startMs') as SortKey;
  const desc = params.get('order') !== 'asc';
  const traces = [...(data?.traces ?? [])].sort((a, b) => (desc ? b[sortKey] - a[sortKey] : a[sortKey] - b[sortKey]));
  const sortHeader = (key: SortKey, label: string, cls?: string) => (
    <th class={cls} aria-sort={sortKey === key ? (desc ? 'descending' : 'ascending') : 'none'}>
      <button
        type="button"
        class="sort"
        onClick={() =>
          setParams({ sort: key === 'startMs' ? undefined : key, order: sortKey === key && desc ? 'asc' : undefined })
        }
      >
        {label}
        {sortKey === key ? (desc ? ' ▼' : ' ▲') : ''}
      </button>
    </th>
  );
  const maxMs = Math.max(1e-6, ...traces.map((t) => t.durationMs));
  const filtered = ['service', 'name', 'status', 'minDurationMs', 'maxDurationMs'].some((k) => params.get(k));
  return (
    <section class="page">
      <h1>Traces</h1>
      <SearchForm key={params.toString()} params={params} />
      <ErrorBanner error={error} />
      {data && traces.length === 0 ? (
        filtered || Object.keys(attrsFromParams(params)).length ? (
          <p class="none">No traces match these filters in this time range.</p>
        ) : (
          <EmptyState what="traces" />
        )
      ) : (
        <table class="data traces" aria-label="Traces" aria-busy={loading}>
          <thead>
            <tr>
              {sortHeader('startMs', 'Start')}
              <th>Root span</th>
              {sortHeader('durationMs', 'Duration', 'bar-col')}
              {sortHeader('spanCount', 'Spans', 'num')}
              {sortHeader('errorCount', 'Errors', 'num')}
              <th>Services</th>
              <th>Trace ID</th>
            </tr>
          </thead>
          <tbody onKeyDown={(e) => onTableKeyDown(e as unknown as KeyboardEvent)}>
            {traces.map((t) => (
              <tr key={t.traceId} tabIndex={0} class={t.errorCount > 0 ? 'bad' : undefined}>
                <td class="mono">{formatDateTime(t.startMs)}</td>
                <td>
                  <a href={hrefWith(`/traces/${t.traceId}`)}>
                    <span class="svc" style={{ color: serviceColor(t.rootService) }}>
                      {t.rootService}
                    </span>{' '}
                    {t.rootName}
                  </a>
                </td>
                <td class="bar-col">
                  <div class="dbar">
                    <div class="dbar-fill" style={{ width: `${(t.durationMs / maxMs) * 100}%` }} />
                    <span>{formatDurationMs(t.durationMs)}</span>
                  </div>
                </td>
                <td class="num">{t.spanCount}</td>
                <td class="num">{t.errorCount || ''}</td>
                <td>
                  {t.services.map((s) => (
                    <span key={s} class="chip" style={{ borderColor: serviceColor(s) }}>
                      {s}
                    </span>
                  ))}
                </td>
                <td class="mono">
                  {t.traceId.slice(0, 8)}… <CopyButton text={t.traceId} label="trace id" />{' '}
                  <a
                    class="row-logs"
                    title="Logs of this trace"
                    href={hrefWith('/logs', {
                      traceId: t.traceId,
                      from: String(Math.floor(t.startMs - 3_600_000)),
                      to: String(Math.ceil(t.startMs + t.durationMs + 3_600_000)),
                    })}
                  >
                    logs
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
