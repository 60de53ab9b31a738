import { promDuration } from '../config/durations.js';
import type { SightlineConfig } from '../config/resolved-config.js';
import { PORTS } from './images.js';

/** Monolithic Mimir for Compose: filesystem blocks, exemplars on, retention, local ruler sending to Alertmanager. */
export function mimirConfig(config: SightlineConfig, alertmanagerUrl: string): Record<string, unknown> {
  const memberlist = { kvstore: { store: 'memberlist' } };
  return {
    multitenancy_enabled: false,
    server: { http_listen_port: PORTS.mimir, grpc_listen_port: 9095, log_level: 'warn' },
    blocks_storage: {
      backend: 'filesystem',
      bucket_store: { sync_dir: '/data/tsdb-sync' },
      filesystem: { dir: '/data/blocks' },
      tsdb: { dir: '/data/tsdb' },
    },
    compactor: { data_dir: '/data/compactor', sharding_ring: memberlist },
    distributor: { ring: { instance_addr: '127.0.0.1', ...memberlist } },
    ingester: { ring: { instance_addr: '127.0.0.1', ...memberlist, replication_factor: 1 } },
    store_gateway: { sharding_ring: { replication_factor: 1 } },
    ruler_storage: { backend: 'local', local: { directory: '/etc/mimir/rules' } },
    ruler: { alertmanager_url: alertmanagerUrl, rule_path: '/data/ruler' },
    limits: {
      // Exemplars link latency and error points to traces (Grafana exemplarTraceIdDestinations).
      max_global_exemplars_per_user: 100000,
      compactor_blocks_retention_period: promDuration(config.retentionSeconds.metrics),
      max_label_names_per_series: 40,
    },
    usage_stats: { enabled: false },
  };
}
