// Services overview: one row per service with rate, errors, latency percentiles and a rate sparkline.

import { EmptyState, ErrorBanner } from '../components/empty-state';
import { RedTable } from '../components/red-table';
import { Sparkline } from '../components/sparkline';
import { apiUrl, useApi } from '../lib/api';
import type { RedRow, SeriesPoint } from '../lib/api-types';
import { currentParams, hrefWith } from '../lib/router';
import { rangeFromParams, stepFor } from '../lib/time-range';

/** Rate and p95 trend cells of one service row (one request for both). */
export function ServiceTrends({ service }: { service: string }) {
  const range = rangeFromParams(currentParams());
  const { data } = useApi<{ points: SeriesPoint[] }>(
    apiUrl(`/api/services/${encodeURIComponent(service)}/series`, { ...range, step: stepFor(range, 30) }),
    { afterPaint: true },
  );
  const pts = data?.points ?? [];
  return (
    <>
      <td title="Requests per second over the range">
        <Sparkline values={pts.map((p) => p.rate)} />
      </td>
      <td title="p95 latency over the range">
        <Sparkline values={pts.map((p) => p.p95Ms ?? Number.NaN)} />
      </td>
    </>
  );
}

export function ServicesPage() {
  const range = rangeFromParams(currentParams());
  const { data, error, loading } = useApi<{ services: RedRow[] }>(apiUrl('/api/services', { ...range }));
  const rows = data?.services ?? [];
  return (
    <section class="page">
      <h1>Services</h1>
      <ErrorBanner error={error} />
      {data && rows.length === 0 ? (
        <EmptyState what="services" />
      ) : (
        <RedTable
          label="Services"
          nameHeader="Service"
          rows={rows}
          loading={loading && !data}
          href={(r) => hrefWith(`/services/${encodeURIComponent(r.name)}`)}
          extra={(r) => <ServiceTrends service={r.name} />}
          extraHeaders={['Rate trend', 'p95 trend']}
        />
      )}
    </section>
  );
}
