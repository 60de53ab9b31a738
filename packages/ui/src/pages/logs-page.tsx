// Logs: filters in the URL, newest first, virtualized infinite scroll, live tail, JSON view, links to traces.
import { useMemo, useState } from 'preact/hooks';
import { AttributeTable } from '../components/attribute-table';
import { CopyButton } from '../components/copy-button';
import { EmptyState, ErrorBanner } from '../components/empty-state';
import { VirtualList } from '../components/virtual-list';
import { apiUrl, useApi } from '../lib/api';
import type { LogRow, RedRow } from '../lib/api-types';
import { attrPatch, attrsFromParams, attrsToText, parseAttrText } from '../lib/attr-filter';
import { serviceColor } from '../lib/colors';
import { formatDateTime, formatTime } from '../lib/format';
import { bodyLine, prettyBody, SEVERITIES, severityClass, severityName } from '../lib/log-format';
import { currentParams, hrefWith, navigate, setParams } from '../lib/router';
import { rangeFromParams } from '../lib/time-range';
import { useLogStream } from '../lib/use-log-stream';

const ROW = 24;
const FILTER_KEYS = ['service', 'severity', 'q', 'traceId', 'spanId'];

function LogFilters({ params, seen }: { params: URLSearchParams; seen: string[] }) {
  const services = useApi<{ services: RedRow[] }>(apiUrl('/api/services', { ...rangeFromParams(params) }), {
    refresh: false,
  });
  const [q, setQ] = useState(params.get('q') ?? '');
  const [traceId, setTraceId] = useState(params.get('traceId') ?? '');
  const [attrs, setAttrs] = useState(attrsToText(params));
  const [problem, setProblem] = useState('');
  const service = params.get('service') ?? '';
  const submit = (e: Event) => {
    e.preventDefault();
    const parsed = parseAttrText(attrs);
    if ('error' in parsed) return setProblem(parsed.error);
    const t = traceId.trim().toLowerCase();
    if (t && !/^[0-9a-f]{32}$/.test(t)) return setProblem(`trace_id "${traceId}" is not 32 hex characters`);
    setProblem('');
    setParams({ q, traceId: t, ...attrPatch(currentParams(), parsed.attrs) });
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Log filters">
      <label>
        Service
        <select value={service} onChange={(e) => setParams({ service: (e.target as HTMLSelectElement).value })}>
          <option value="">All services</option>
          {[...new Set([...(services.data?.services.map((s) => s.name) ?? []), ...seen, ...(service ? [service] : [])])]
            .sort()
            .map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
        </select>
      </label>
      <label>
        Severity
        <select
          value={params.get('severity') ?? ''}
          onChange={(e) => setParams({ severity: (e.target as HTMLSelectElement).value })}
        >
          <option value="">Any</option>
          {SEVERITIES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label} and above
            </option>
          ))}
        </select>
      </label>
      <label class="grow">
        Text
        <input
          type="search"
          value={q}
          placeholder="contains…"
          onInput={(e) => setQ((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        trace_id
        <input class="mono" value={traceId} onInput={(e) => setTraceId((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        Attributes
        <input value={attrs} placeholder="k=v, k2=v2" onInput={(e) => setAttrs((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Filter</button>
      <label class="tail">
        <input
          type="checkbox"
          checked={params.get('tail') === '1'}
          onChange={(e) => setParams({ tail: (e.target as HTMLInputElement).checked ? '1' : undefined })}
        />
        Live tail
      </label>
      {problem ? (
        <p class="problem" role="alert">
          {problem}
        </p>
      ) : null}
    </form>
  );
}

function LogDetail({ log, onClose }: { log: LogRow; onClose: () => void }) {
  const pretty = prettyBody(log.body);
  return (
    <aside class="log-detail" aria-label="Log detail">
      <header>
        <h2>
          <span class={`sev ${severityClass(log.severityNumber)}`}>
            {severityName(log.severityNumber, log.severityText)}
          </span>{' '}
          {formatDateTime(log.timeMs)}
        </h2>
        <button type="button" class="close" aria-label="Close log detail" onClick={onClose}>
          ×
        </button>
      </header>
      {log.traceId ? (
        <p class="mono">
          trace_id <a href={hrefWith(`/traces/${log.traceId}`, { span: log.spanId })}>{log.traceId}</a>{' '}
          <CopyButton text={log.traceId} label="trace id" />
          {log.spanId ? <> span_id {log.spanId}</> : null}
        </p>
      ) : null}
      <h3>Body{pretty ? ' (JSON)' : ''}</h3>
      <pre class="body">{pretty ?? bodyLine(log.body, 100_000)}</pre>
      <h3>Attributes</h3>
      <AttributeTable attrs={log.attributes ?? {}} label="Attributes" />
      <h3>Resource</h3>
      <AttributeTable attrs={log.resource ?? {}} label="Resource" />
    </aside>
  );
}

export function LogsPage() {
  const params = currentParams();
  const range = rangeFromParams(params);
  const q = new URLSearchParams();
  q.set('from', range.from);
  q.set('to', range.to);
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (v) q.set(k, v);
  }
  for (const [k, v] of Object.entries(attrsFromParams(params))) q.set(k, v);
  const stream = useLogStream(q.toString(), params.get('tail') === '1');
  // Services that only send logs have no spans, so /api/services misses them: add those seen in the rows.
  const seenServices = useMemo(
    () => [...new Set(stream.rows.slice(0, 2000).map((r) => r.service))],
    [stream.rows.length > 0 ? stream.rows[0]?.id : '', Math.min(stream.rows.length, 2000)],
  );
  // Selection by id: live tail inserts rows above, which would shift an index.
  const [selectedId, setSelectedId] = useState<string | undefined>();
  const selectedIndex = selectedId ? stream.rows.findIndex((r) => r.id === selectedId) : -1;
  const sel = selectedIndex >= 0 ? stream.rows[selectedIndex] : undefined;
  const filtered = FILTER_KEYS.some((k) => params.get(k)) || Object.keys(attrsFromParams(params)).length > 0;

  const renderRow = (i: number) => {
    const r = stream.rows[i] as LogRow;
    return (
      <div class="log-row" data-log-id={r.id}>
        <span class="time mono" title={formatDateTime(r.timeMs)}>
          {formatTime(r.timeMs)}
        </span>
        <span class={`sev ${severityClass(r.severityNumber)}`}>{severityName(r.severityNumber, r.severityText)}</span>
        <span class="svc" style={{ color: serviceColor(r.service) }}>
          {r.service}
        </span>
        <span class="body">{bodyLine(r.body)}</span>
        {r.traceId ? (
          <a class="trace-link mono" href={hrefWith(`/traces/${r.traceId}`, { span: r.spanId })} title={r.traceId}>
            {r.traceId.slice(0, 8)}
          </a>
        ) : (
          <span class="trace-link" />
        )}
      </div>
    );
  };

  return (
    <section class="page logs-page">
      <h1>Logs</h1>
      <LogFilters key={params.toString()} params={params} seen={seenServices} />
      <ErrorBanner error={stream.error} />
      <div class="log-status" aria-live="polite">
        {stream.rows.length.toLocaleString('en')} {stream.rows.length === 1 ? 'row' : 'rows'}
        {stream.done ? '' : ' loaded'}
        {stream.loading ? ' · loading…' : ''}
        {stream.tailing ? ' · live' : ''}
      </div>
      {!stream.loading && stream.rows.length === 0 && !stream.error ? (
        filtered ? (
          <p class="none">No logs match these filters in this time range.</p>
        ) : (
          <EmptyState what="logs" />
        )
      ) : (
        <div class={sel ? 'logs-body with-detail' : 'logs-body'}>
          <div class="log-list">
            <VirtualList
              label="Logs"
              count={stream.rows.length}
              rowHeight={ROW}
              renderRow={renderRow}
              onEndReached={stream.loadMore}
              selected={selectedIndex >= 0 ? selectedIndex : undefined}
              onSelect={(i) => setSelectedId(stream.rows[i]?.id)}
              onActivate={(i) => {
                const t = stream.rows[i]?.traceId;
                if (t) navigate(`/traces/${t}`);
              }}
              prepended={stream.prepended}
            />
          </div>
          {sel ? <LogDetail log={sel} onClose={() => setSelectedId(undefined)} /> : null}
        </div>
      )}
    </section>
  );
}
