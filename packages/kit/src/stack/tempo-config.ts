import { hoursDuration } from '../config/durations.js';
import type { SightlineConfig } from '../config/resolved-config.js';
import { PORTS } from './images.js';

/** Single-binary Tempo 2 for Compose: OTLP in, local blocks, retention, metrics-generator remote-writing to Mimir. */
export function tempoConfig(config: SightlineConfig, mimirRemoteWrite: string): Record<string, unknown> {
  return {
    stream_over_http_enabled: true,
    server: { http_listen_port: PORTS.tempo, log_level: 'warn' },
    distributor: {
      receivers: { otlp: { protocols: { grpc: { endpoint: '0.0.0.0:4317' }, http: { endpoint: '0.0.0.0:4318' } } } },
    },
    ingester: { max_block_duration: '5m' },
    compactor: { compaction: { block_retention: hoursDuration(config.retentionSeconds.traces) } },
    metrics_generator: {
      registry: { external_labels: { source: 'tempo' } },
      storage: { path: '/var/tempo/generator/wal', remote_write: [{ url: mimirRemoteWrite, send_exemplars: true }] },
      traces_storage: { path: '/var/tempo/generator/traces' },
      processor: {
        service_graphs: { dimensions: ['deployment.environment.name'] },
        span_metrics: { dimensions: ['http.route', 'http.request.method', 'http.response.status_code'] },
      },
    },
    storage: { trace: { backend: 'local', wal: { path: '/var/tempo/wal' }, local: { path: '/var/tempo/blocks' } } },
    overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics', 'local-blocks'] } } },
  };
}
