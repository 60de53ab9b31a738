import { hoursDuration, promDuration } from '../config/durations.js';
import type { SightlineConfig } from '../config/resolved-config.js';
import { buildDashboards } from '../dashboards/index.js';
import { dashboardsProvisioning, datasourcesProvisioning } from './grafana-provisioning.js';

/** In-cluster service names created by the lgtm-distributed chart (release name `lgtm`, namespace `observability`). */
export const K8S = {
  namespace: 'observability',
  release: 'lgtm',
  mimirPush: 'http://lgtm-mimir-nginx.observability.svc:80/api/v1/push',
  mimirQuery: 'http://lgtm-mimir-nginx.observability.svc:80/prometheus',
  lokiPush: 'http://lgtm-loki-gateway.observability.svc:80/loki/api/v1/push',
  lokiQuery: 'http://lgtm-loki-gateway.observability.svc:80',
  lokiOtlp: 'http://lgtm-loki-gateway.observability.svc:80/otlp',
  tempoOtlp: 'lgtm-tempo-distributor.observability.svc:4317',
  tempoQuery: 'http://lgtm-tempo-query-frontend.observability.svc:3200',
  alertmanager: 'http://alertmanager.observability.svc:9093',
} as const;

function s3(config: SightlineConfig) {
  const { s3: o } = config.storage;
  return { endpoint: o.endpoint, region: o.region, insecure: o.insecure };
}

/** Values for grafana/lgtm-distributed: Loki, Mimir, Tempo on S3 with retention, Grafana with Sightline provisioning. */
export function lgtmValues(config: SightlineConfig): Record<string, unknown> {
  const { buckets, credentialsSecret } = config.storage.s3;
  const o = s3(config);
  const envFrom = [{ secretRef: { name: credentialsSecret } }];
  const dashboards = Object.fromEntries(
    buildDashboards(config).map(({ fileName, dashboard }) => [
      fileName.replace(/\.json$/, ''),
      { json: JSON.stringify(dashboard) },
    ]),
  );
  return {
    grafana: {
      enabled: true,
      // Secret with keys admin-user / admin-password; create it before installing (README).
      admin: { existingSecret: 'grafana-admin', userKey: 'admin-user', passwordKey: 'admin-password' },
      'grafana.ini': {
        'auth.anonymous': { enabled: false },
        users: { allow_sign_up: false },
        analytics: { reporting_enabled: false },
      },
      persistence: { enabled: true, size: '10Gi' },
      datasources: {
        'sightline.yaml': datasourcesProvisioning({
          mimir: K8S.mimirQuery,
          loki: K8S.lokiQuery,
          tempo: K8S.tempoQuery,
          alertmanager: K8S.alertmanager,
        }),
      },
      dashboardProviders: { 'sightline.yaml': dashboardsProvisioning('/var/lib/grafana/dashboards/sightline') },
      dashboards: { sightline: dashboards },
    },
    loki: {
      enabled: true,
      loki: {
        structuredConfig: {
          common: {
            storage: {
              s3: {
                endpoint: o.endpoint,
                region: o.region,
                bucketnames: buckets.logs,
                insecure: o.insecure,
                s3forcepathstyle: true,
              },
            },
          },
          schema_config: {
            configs: [
              {
                from: '2024-01-01',
                store: 'tsdb',
                object_store: 's3',
                schema: 'v13',
                index: { prefix: 'index_', period: '24h' },
              },
            ],
          },
          limits_config: {
            allow_structured_metadata: true,
            retention_period: hoursDuration(config.retentionSeconds.logs),
          },
          compactor: { retention_enabled: true, delete_request_store: 's3' },
          ruler: {
            alertmanager_url: K8S.alertmanager,
            enable_api: true,
            storage: { type: 's3', s3: { bucketnames: buckets.rules } },
          },
        },
      },
      global: { extraEnvFrom: envFrom },
    },
    mimir: {
      enabled: true,
      minio: { enabled: false },
      global: { extraEnvFrom: envFrom, extraArgs: { 'config.expand-env': true } },
      mimir: {
        structuredConfig: {
          common: {
            storage: {
              backend: 's3',
              s3: {
                endpoint: o.endpoint,
                region: o.region,
                insecure: o.insecure,
                // biome-ignore lint/suspicious/noTemplateCurlyInString: expanded by Mimir (-config.expand-env) from the Secret
                access_key_id: '${AWS_ACCESS_KEY_ID}',
                // biome-ignore lint/suspicious/noTemplateCurlyInString: expanded by Mimir (-config.expand-env) from the Secret
                secret_access_key: '${AWS_SECRET_ACCESS_KEY}',
              },
            },
          },
          blocks_storage: { s3: { bucket_name: buckets.metrics } },
          ruler_storage: { s3: { bucket_name: buckets.rules }, storage_prefix: 'mimir-ruler' },
          alertmanager_storage: { s3: { bucket_name: buckets.rules }, storage_prefix: 'mimir-alertmanager' },
          ruler: { alertmanager_url: K8S.alertmanager },
          limits: {
            max_global_exemplars_per_user: 100000,
            compactor_blocks_retention_period: promDuration(config.retentionSeconds.metrics),
          },
        },
      },
    },
    tempo: {
      enabled: true,
      storage: {
        trace: {
          backend: 's3',
          s3: { bucket: buckets.traces, endpoint: o.endpoint, region: o.region, insecure: o.insecure },
        },
      },
      compactor: { config: { compaction: { block_retention: hoursDuration(config.retentionSeconds.traces) } } },
      traces: { otlp: { grpc: { enabled: true }, http: { enabled: true } } },
      metricsGenerator: {
        enabled: true,
        config: { storage: { remote_write: [{ url: K8S.mimirPush, send_exemplars: true }] } },
      },
      global_overrides: {
        defaults: { metrics_generator: { processors: ['service-graphs', 'span-metrics', 'local-blocks'] } },
      },
      distributor: { extraEnvFrom: envFrom },
      ingester: { extraEnvFrom: envFrom },
    },
  };
}

/**
 * Values for grafana/k8s-monitoring (v2): an Alloy DaemonSet receiving OTLP from every pod on its node (apps send to
 * the node's host IP), pod logs and cluster metrics, all written to the LGTM release above.
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
          { name: 'otlp-grpc', port: 4317, targetPort: 4317, protocol: 'TCP', hostPort: 4317 },
          { name: 'otlp-http', port: 4318, targetPort: 4318, protocol: 'TCP', hostPort: 4318 },
        ],
      },
    },
    'alloy-metrics': { enabled: true },
    'alloy-logs': { enabled: true },
  };
}

/** Values for prometheus-community/alertmanager: our routing, secrets mounted from a Kubernetes Secret. */
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
