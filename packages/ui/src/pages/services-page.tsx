// Services overview: one row per service with rate, errors, latency percentiles and a rate sparkline.

import { EmptyState, ErrorBanner } from '../components/empty-state';
import { RedTable } from '../components/red-table';
import { Sparkline } from '../components/sparkline';
import { apiUrl, useApi } from '../lib/api';
import type { RedRow, SeriesPoint } from '../lib/api-types';
import { currentParams, hrefWith } from '../lib/router';
import { rangeFromParams, stepFor } from '../lib/time-range';

export function ServiceSparkline({ service, metric }: { service: string; metric: 'rate' | 'p95Ms' }) {
  const range = rangeFromParams(currentParams());
  const { data } = useApi<{ points: SeriesPoint[] }>(
    apiUrl(`/api/services/${encodeURIComponent(service)}/series`, { ...range, step: stepFor(range, 30) }),
  );
  return <Sparkline values={(data?.points ?? []).map((p) => p[metric])} />;
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
          extra={(r) => <ServiceSparkline service={r.name} metric="rate" />}
          extraHeader="Rate trend"
        />
      )}
    </section>
  );
}
