// App shell: navigation, the shared time range and refresh controls, and the page for the current path.
import { useEffect } from 'preact/hooks';
import { TimeRangePicker } from './components/time-range-picker';
import { setRefreshInterval } from './lib/refresh';
import { hrefWith, onLinkClick, useLocation } from './lib/router';
import { LogsPage } from './pages/logs-page';
import { MetricsPage } from './pages/metrics-page';
import { ServicePage } from './pages/service-page';
import { ServicesPage } from './pages/services-page';
import { TracePage } from './pages/trace-page';
import { TracesPage } from './pages/traces-page';

const NAV = [
  { path: '/services', label: 'Services' },
  { path: '/traces', label: 'Traces' },
  { path: '/logs', label: 'Logs' },
  { path: '/metrics', label: 'Metrics' },
];

function route(path: string) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [section, id] = parts;
  if (section === 'traces' && id) return <TracePage traceId={id} />;
  if (section === 'traces') return <TracesPage />;
  if (section === 'logs') return <LogsPage />;
  if (section === 'metrics') return <MetricsPage />;
  if (section === 'services' && id) return <ServicePage service={id} />;
  return <ServicesPage />;
}

export function App() {
  const loc = useLocation();
  const refresh = loc.params.get('refresh');
  useEffect(() => setRefreshInterval(refresh), [refresh]);
  useEffect(() => {
    // One delegated listener turns clicks on internal links into in-app navigation.
    document.addEventListener('click', onLinkClick);
    return () => document.removeEventListener('click', onLinkClick);
  }, []);
  const section = `/${loc.path.split('/')[1] || 'services'}`;
  return (
    <div class="app">
      <header class="top">
        <a class="brand" href={hrefWith('/services')}>
          Sightline
        </a>
        <nav aria-label="Main">
          {NAV.map((n) => (
            <a key={n.path} href={hrefWith(n.path)} aria-current={section === n.path ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <TimeRangePicker key={`${loc.params.get('from')}|${loc.params.get('to')}`} />
      </header>
      <main>{route(loc.path)}</main>
    </div>
  );
}
