// One trace: summary, the waterfall and the detail of the selected span (kept in `?span=`).
import { useMemo } from 'preact/hooks';
import { CopyButton } from '../components/copy-button';
import { ErrorBanner } from '../components/empty-state';
import { SpanDetail } from '../components/span-detail';
import { Waterfall } from '../components/waterfall';
import { apiUrl, useApi } from '../lib/api';
import type { OtlpTrace } from '../lib/api-types';
import { serviceColor } from '../lib/colors';
import { formatDateTime, formatDurationMs } from '../lib/format';
import { currentParams, hrefWith, setParams } from '../lib/router';
import { buildTraceTree } from '../lib/trace-model';

export function TracePage({ traceId }: { traceId: string }) {
  const { data, error, loading } = useApi<OtlpTrace>(apiUrl(`/api/traces/${encodeURIComponent(traceId)}`), {
    refresh: false,
  });
  const tree = useMemo(() => (data ? buildTraceTree(data) : undefined), [data]);
  const selectedId = currentParams().get('span') ?? '';
  const selected = selectedId ? tree?.byId.get(selectedId) : undefined;
  const root = tree?.roots[0];
  const errors = tree ? [...tree.byId.values()].filter((n) => n.isError).length : 0;
  // Logs are searched around the trace itself (±1 h), so the link works however old the trace is.
  const logsRange = tree
    ? { from: String(Math.floor(tree.startMs - 3_600_000)), to: String(Math.ceil(tree.endMs + 3_600_000)) }
    : { from: 'now-7d' };
  return (
    <section class="page trace-page">
      <h1>
        <a href={hrefWith('/traces')}>Traces</a> /{' '}
        {root ? (
          <>
            <span class="svc" style={{ color: serviceColor(root.service) }}>
              {root.service}
            </span>{' '}
            {root.span.name}
          </>
        ) : (
          traceId
        )}
      </h1>
      <div class="trace-summary">
        <span class="mono" data-testid="trace-id">
          {traceId}
        </span>
        <CopyButton text={traceId} label="trace id" />
        {tree ? (
          <>
            <span>{formatDateTime(tree.startMs)}</span>
            <span>Duration {formatDurationMs(tree.endMs - tree.startMs)}</span>
            <span>{tree.count} spans</span>
            {errors ? <span class="bad-text">{errors} errors</span> : null}
            {tree.services.map((s) => (
              <span key={s} class="chip" style={{ borderColor: serviceColor(s) }}>
                {s}
              </span>
            ))}
          </>
        ) : loading ? (
          <span>Loading…</span>
        ) : null}
        <a class="logs-link" href={hrefWith('/logs', { traceId, ...logsRange })}>
          Logs for this trace
        </a>
      </div>
      <ErrorBanner error={error} />
      {tree ? (
        <p class="legend muted">
          <span class="swatch critical" /> critical path (the spans the trace waited on)
          <span class="swatch" /> other spans <span class="swatch err" /> error
        </p>
      ) : null}
      <div class={selected ? 'trace-body with-detail' : 'trace-body'}>
        {tree ? (
          <Waterfall tree={tree} selectedId={selectedId} onSelect={(id) => setParams({ span: id })} />
        ) : (
          <div class="waterfall placeholder" />
        )}
        {selected ? <SpanDetail node={selected} onClose={() => setParams({ span: undefined })} /> : null}
      </div>
    </section>
  );
}
