/** What `sightline demo` tells the user: where everything is and what to click first. */
import type { Backend } from './backend.js';
import type { ServiceProcess } from './service-process.js';
import type { TrafficStats } from './traffic-generator.js';

interface BannerFacts {
  backend: Backend;
  services: ServiceProcess[];
  dataDir: string;
  temporary: boolean;
  rate: number;
  /** False when packages/ui is not built: the server then answers the query API only. */
  ui: boolean;
}

export function printBanner(print: (line: string) => void, facts: BannerFacts): void {
  const { backend, services } = facts;
  const byName = new Map(services.map((service) => [service.name, service]));
  const queue =
    byName.get('worker')?.details.queue === 'rabbitmq' ? 'RabbitMQ (amqplib)' : 'in-process queue over HTTP';
  print('');
  print('Sightline demo');
  print(
    `  UI and query API  ${backend.apiUrl}/${facts.ui ? '' : '   (UI not built: run npm run build; the API works)'}`,
  );
  print(`  OTLP              gRPC ${backend.otlpGrpcUrl}   HTTP ${backend.otlpHttpUrl}`);
  for (const service of services) {
    print(`  ${service.name.padEnd(17)} ${service.url}   pid ${service.pid}`);
  }
  print(`  database          ${byName.get('inventory')?.details.database ?? 'unknown'}`);
  print(`  queue             ${queue}`);
  print(`  traffic           ${facts.rate} requests/s to api`);
  print(`  data              ${facts.dataDir}${facts.temporary ? ' (temporary, removed on exit)' : ''}`);
  print('');
  const ui = backend.apiUrl;
  print(`What to click first${facts.ui ? '' : ' (once the UI is built)'}:`);
  print(`  1. Services → api        ${ui}/services/api?from=now-5m&refresh=5s`);
  print('     rate, error % and p50/p95/p99 per route; POST /payments fails one time in five.');
  print(`  2. Order traces          ${ui}/traces?service=api&name=${encodeURIComponent('POST /orders')}&refresh=5s`);
  print('     open one: the waterfall crosses api → inventory (HTTP) and api → worker (queue).');
  print(`     Failed traces         ${ui}/traces?service=api&status=error&refresh=5s`);
  print('     the red span holds the exception; click it for the stack in the span detail panel.');
  print('  3. "Logs for this trace" on the trace page; in Logs, each trace_id links back to its trace.');
  print(`     api warnings, errors  ${ui}/logs?service=api&severity=warn&refresh=5s`);
  print(`  Slow traces (1 in 5 GET /recommendations)  ${ui}/traces?service=api&minDurationMs=400&refresh=5s`);
  print(
    `  Orders per second by product (a custom metric)  ${ui}/metrics?metric=demo.orders.placed&agg=rate&groupBy=demo.order.sku`,
  );
  print('Press Ctrl-C to stop (telemetry is flushed first).');
  print('');
}

export function printStopSummary(print: (line: string) => void, stats: TrafficStats, keptDataDir?: string): void {
  const statuses = Object.entries(stats.byStatus)
    .map(([status, count]) => `${status === '0' ? 'no answer' : status} ×${count}`)
    .join(', ');
  print(`stopped: sent ${stats.sent} requests${statuses ? ` (${statuses})` : ''}`);
  if (keptDataDir)
    print(`the data stays in ${keptDataDir}; browse it again with: sightline up --data-dir ${keptDataDir}`);
}
