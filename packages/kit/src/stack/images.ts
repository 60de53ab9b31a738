/**
 * Container images of the generated stack, pinned to exact releases so `docker compose up` is reproducible. Digests
 * are not pinned: they were not resolvable where this generator is built and tested (no registry access). Pin them
 * after a first pull with `docker compose config --resolve-image-digests` (the generated README says how).
 */
export const IMAGES = {
  grafana: 'grafana/grafana:12.3.8',
  loki: 'grafana/loki:3.7.1',
  tempo: 'grafana/tempo:2.10.5',
  mimir: 'grafana/mimir:3.1.5',
  alloy: 'grafana/alloy:v1.19.2',
  alertmanager: 'prom/alertmanager:v0.28.1',
  /** Volume ownership fix-up and readiness probe for the distroless Loki, Tempo and Mimir images (no shell inside). */
  busybox: 'busybox:1.37.0',
} as const;

/** Host ports, the contracts of issue 5 (plus Alertmanager's standard port). */
export const PORTS = {
  grafana: 3000,
  loki: 3100,
  tempo: 3200,
  mimir: 9009,
  otlpGrpc: 4317,
  otlpHttp: 4318,
  alloyUi: 12345,
  alertmanager: 9093,
} as const;
