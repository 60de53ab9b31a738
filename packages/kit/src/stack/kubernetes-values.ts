import { hoursDuration, promDuration } from '../config/durations.js';
import type { SightlineConfig } from '../config/resolved-config.js';
import { buildDashboards } from '../dashboards/index.js';
import { dashboardsProvisioning, datasourcesProvisioning } from './grafana-provisioning.js';

/**
 * In-cluster endpoints of the Helm releases the generated README installs (namespace `observability`, releases
 * `loki`, `mimir`, `tempo`, `grafana`, `alertmanager`, `k8s-monitoring`).
 */
export const K8S = {
  namespace: 'observability',
  /** The alloy-receiver Service of the k8s-monitoring release: where apps send OTLP. */
  otlpGrpc: 'http://k8s-monitoring-alloy-receiver.observability.svc:4317',
  mimirPush: 'http://mimir-gateway.observability.svc/api/v1/push',
  mimirQuery: 'http://mimir-gateway.observability.svc/prometheus',
  lokiQuery: 'http://loki-gateway.observability.svc',
  lokiOtlp: 'http://loki-gateway.observability.svc/otlp',
  tempoOtlp: 'tempo-distributor.observability.svc:4317',
  tempoQuery: 'http://tempo-query-frontend.observability.svc:3100',
  alertmanager: 'http://alertmanager.observability.svc:9093',
} as const;

/**
 * Object-storage credentials come from one Kubernetes Secret as AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY environment
 * variables, which the S3 clients of Loki, Mimir and Tempo pick up (the values files hold no secret).
 */
function credentials(config: SightlineConfig) {
  return [{ secretRef: { name: config.storage.s3.credentialsSecret } }];
}

/** grafana/loki chart, simple scalable mode (read/write/backend), Loki 3 with OTLP and structured metadata. */
export function lokiValues(config: SightlineConfig): Record<string, unknown> {
  const { s3, buckets } = { s3: config.storage.s3, buckets: config.storage.s3.buckets };
  const envFrom = credentials(config);
  return {
    deploymentMode: 'SimpleScalable',
    loki: {
      auth_enabled: false,
      schemaConfig: {
        configs: [
          {
            from: '2024-01-01',
            store: 'tsdb',
            object_store: 's3',
            schema: 'v13',
            index: { prefix: 'loki_index_', period: '24h' },
          },
        ],
      },
      storage: {
        type: 's3',
        bucketNames: { chunks: buckets.logs, ruler: buckets.rules, admin: buckets.rules },
        s3: { endpoint: s3.endpoint, region: s3.region, insecure: s3.insecure, s3ForcePathStyle: true },
      },
      limits_config: {
        allow_structured_metadata: true,
        volume_enabled: true,
        retention_period: hoursDuration(config.retentionSeconds.logs),
      },
      compactor: { retention_enabled: true, delete_request_store: 's3' },
      rulerConfig: { alertmanager_url: K8S.alertmanager, enable_api: true },
    },
    write: { replicas: 3, extraEnvFrom: envFrom },
    read: { replicas: 3, extraEnvFrom: envFrom },
    backend: { replicas: 3, extraEnvFrom: envFrom },
    minio: { enabled: false },
  };
}

/** grafana/mimir-distributed chart on S3 with exemplars and retention; the gateway fronts reads and writes. */
export function mimirValues(config: SightlineConfig): Record<string, unknown> {
  const { s3 } = config.storage;
  return {
    global: { extraEnvFrom: credentials(config) },
    minio: { enabled: false },
    gateway: { enabledNonEnterprise: true },
    mimir: {
      structuredConfig: {
        common: { storage: { backend: 's3', s3: { endpoint: s3.endpoint, region: s3.region, insecure: s3.insecure } } },
        blocks_storage: { s3: { bucket_name: s3.buckets.metrics } },
        ruler_storage: { s3: { bucket_name: s3.buckets.rules }, storage_prefix: 'mimir-ruler' },
        alertmanager_storage: { s3: { bucket_name: s3.buckets.rules }, storage_prefix: 'mimir-alertmanager' },
        ruler: { alertmanager_url: K8S.alertmanager },
        limits: {
          max_global_exemplars_per_user: 100000,
          compactor_blocks_retention_period: promDuration(config.retentionSeconds.metrics),
        },
      },
    },
  };
}

/** grafana/tempo-distributed chart on S3, OTLP in, metrics-generator (service graphs, span metrics) → Mimir. */
export function tempoValues(config: SightlineConfig): Record<string, unknown> {
  const { s3 } = config.storage;
  return {
    global: { extraEnvFrom: credentials(config) },
    storage: {
      trace: {
        backend: 's3',
        s3: { bucket: s3.buckets.traces, endpoint: s3.endpoint, region: s3.region, insecure: s3.insecure },
      },
    },
    compactor: { config: { compaction: { block_retention: hoursDuration(config.retentionSeconds.traces) } } },
    traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
    metricsGenerator: {
      enabled: true,
      config: { storage: { remote_write: [{ url: K8S.mimirPush, send_exemplars: true }] } },
    },
    overrides: { defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics', 'local-blocks'] } } },
  };
}

/** grafana/grafana chart: the same correlated data sources and dashboards as the Compose stack, anonymous access off. */
export function grafanaValues(config: SightlineConfig): Record<string, unknown> {
  const dashboards = Object.fromEntries(
    buildDashboards(config).map(({ fileName, dashboard }) => [
      fileName.replace(/\.json$/, ''),
      { json: JSON.stringify(dashboard) },
    ]),
  );
  return {
    // Secret with keys admin-user / admin-password; created before installing (README).
    admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
    'grafana.ini': {
      'auth.anonymous': { enabled: false },
      users: { allow_sign_up: false },
      analytics: { reporting_enabled: false },
    },
    persistence: { enabled: true, size: '10Gi' },
    datasources: {
      'datasources.yaml': datasourcesProvisioning({
        mimir: K8S.mimirQuery,
        loki: K8S.lokiQuery,
        tempo: K8S.tempoQuery,
        alertmanager: K8S.alertmanager,
      }),
    },
    dashboardProviders: { 'dashboardproviders.yaml': dashboardsProvisioning('/var/lib/grafana/dashboards/sightline') },
    dashboards: { sightline: dashboards },
  };
}

/**
 * grafana/k8s-monitoring (v2): an Alloy DaemonSet receiving OTLP from the pods (through the alloy-receiver Service),
 * pod logs and cluster metrics, all written to the releases above.
 */
export function k8sMonitoringValues(config: SightlineConfig): Record<string, unknown> {
  return {
    cluster: { name: config.project },
    destinations: [
      { name: 'mimir', type: 'prometheus', url: K8S.mimirPush, sendExemplars: true },
      {
        name: 'loki',
        type: 'otlp',
        protocol: 'http',
        url: K8S.lokiOtlp,
        logs: { enabled: true },
        metrics: { enabled: false },
        traces: { enabled: false },
      },
      {
        name: 'tempo',
        type: 'otlp',
        protocol: 'grpc',
        url: K8S.tempoOtlp,
        tls: { insecure: true },
        traces: { enabled: true },
        metrics: { enabled: false },
        logs: { enabled: false },
      },
    ],
    applicationObservability: {
      enabled: true,
      receivers: { otlp: { grpc: { enabled: true, port: 4317 }, http: { enabled: true, port: 4318 } } },
    },
    clusterMetrics: { enabled: true },
    podLogs: { enabled: true },
    'alloy-receiver': {
      enabled: true,
      controller: { type: 'daemonset' },
      alloy: {
        extraPorts: [
          { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP' },
          { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP' },
        ],
      },
    },
    'alloy-metrics': { enabled: true },
    'alloy-logs': { enabled: true },
  };
}

/** prometheus-community/alertmanager: our routing, receiver secrets mounted from a Kubernetes Secret. */
export function alertmanagerValues(alertmanagerYaml: Record<string, unknown>): Record<string, unknown> {
  return {
    fullnameOverride: 'alertmanager',
    config: alertmanagerYaml,
    extraSecretMounts: [
      {
        name: 'alert-receivers',
        mountPath: '/etc/alertmanager/secrets',
        secretName: 'alert-receivers',
        readOnly: true,
      },
    ],
    persistence: { enabled: true, size: '1Gi' },
  };
}
