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
  print(`What to click first, at ${backend.apiUrl}/ :`);
  print('  1. Services → api: request rate, error % and p50/p95/p99 per route; POST /payments fails sometimes.');
  print('  2. Traces → status "error" → open a POST /orders or POST /payments trace: the waterfall crosses');
  print('     api → inventory and api → worker; click the red span for its exception.');
  print('  3. "Logs for this trace", then click any trace_id in Logs to jump back to its trace.');
  print('  GET /recommendations is slow one time in five: sort Traces by duration to find it.');
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
