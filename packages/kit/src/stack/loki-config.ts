import { hoursDuration } from '../config/durations.js';
import type { SightlineConfig } from '../config/resolved-config.js';
import { PORTS } from './images.js';

/** Single-binary Loki 3 for Compose: TSDB schema v13 on the filesystem, OTLP ingestion, retention, local ruler. */
export function lokiConfig(config: SightlineConfig, alertmanagerUrl: string): Record<string, unknown> {
  return {
    auth_enabled: false,
    server: { http_listen_port: PORTS.loki, grpc_listen_port: 9096, log_level: 'warn' },
    common: {
      instance_addr: '127.0.0.1',
      path_prefix: '/loki',
      storage: { filesystem: { chunks_directory: '/loki/chunks', rules_directory: '/loki/rules' } },
      replication_factor: 1,
      ring: { kvstore: { store: 'inmemory' } },
    },
    schema_config: {
      configs: [
        {
          from: '2024-01-01',
          store: 'tsdb',
          object_store: 'filesystem',
          schema: 'v13',
          index: { prefix: 'index_', period: '24h' },
        },
      ],
    },
    limits_config: {
      // trace_id / span_id of OTLP log records are kept as structured metadata (queryable, not indexed).
      allow_structured_metadata: true,
      volume_enabled: true,
      retention_period: hoursDuration(config.retentionSeconds.logs),
    },
    compactor: { working_directory: '/loki/compactor', retention_enabled: true, delete_request_store: 'filesystem' },
    ruler: {
      storage: { type: 'local', local: { directory: '/etc/loki/rules' } },
      rule_path: '/loki/rules-temp',
      alertmanager_url: alertmanagerUrl,
      enable_api: true,
      ring: { kvstore: { store: 'inmemory' } },
    },
    analytics: { reporting_enabled: false },
  };
}
