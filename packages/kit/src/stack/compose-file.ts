import { IMAGES, PORTS } from './images.js';

// biome-ignore lint/suspicious/noTemplateCurlyInString: Compose interpolates ${VAR:-default} from .env
const BIND = '${SIGHTLINE_BIND_ADDRESS:-127.0.0.1}';
/** Compose refuses to start without the password (`${VAR:?message}`): never a default like admin. */
const REQUIRED_PASSWORD = [
  '$',
  '{GRAFANA_ADMIN_PASSWORD:?set GRAFANA_ADMIN_PASSWORD in .env (sightline stack compose generates it)}',
].join('');
const UID = '10001';

function port(host: number, container: number = host): string {
  return `${BIND}:${host}:${container}`;
}

function limits(cpus: string, memory: string) {
  return { resources: { limits: { cpus, memory } } };
}

const healthTiming = { interval: '10s', timeout: '5s', retries: 12, start_period: '20s' };
const logging = { driver: 'json-file', options: { 'max-size': '10m', 'max-file': '3' } };

/**
 * Docker Compose v2 project. Loki, Tempo and Mimir images are distroless (no shell or wget for a healthcheck), so a
 * busybox `readiness` service probes their /ready endpoints and Grafana and Alloy start once it is healthy.
 */
export function composeFile(project: string): Record<string, unknown> {
  const common = { restart: 'unless-stopped', logging, networks: ['lgtm'] };
  return {
    name: project,
    services: {
      'init-volumes': {
        image: IMAGES.busybox,
        user: 'root',
        // Loki, Tempo and Mimir run as uid 10001; fresh named volumes are owned by root.
        // Alloy images run as uid 473 where they drop root; owning its data directory is harmless otherwise.
        command: ['sh', '-c', `chown -R ${UID}:${UID} /loki /var/tempo /data && chown -R 473:473 /var/lib/alloy/data`],
        volumes: ['loki-data:/loki', 'tempo-data:/var/tempo', 'mimir-data:/data', 'alloy-data:/var/lib/alloy/data'],
        // One-shot: no restart policy (the default), so it exits after fixing ownership.
        networks: ['lgtm'],
      },
      loki: {
        image: IMAGES.loki,
        ...common,
        command: ['-config.file=/etc/loki/loki.yaml'],
        volumes: ['./loki/loki.yaml:/etc/loki/loki.yaml:ro', './loki/rules:/etc/loki/rules:ro', 'loki-data:/loki'],
        ports: [port(PORTS.loki)],
        depends_on: { 'init-volumes': { condition: 'service_completed_successfully' } },
        deploy: limits('1', '1G'),
      },
      tempo: {
        image: IMAGES.tempo,
        ...common,
        command: ['-config.file=/etc/tempo/tempo.yaml'],
        volumes: ['./tempo/tempo.yaml:/etc/tempo/tempo.yaml:ro', 'tempo-data:/var/tempo'],
        ports: [port(PORTS.tempo)],
        depends_on: {
          'init-volumes': { condition: 'service_completed_successfully' },
          mimir: { condition: 'service_started' },
        },
        deploy: limits('1', '1G'),
      },
      mimir: {
        image: IMAGES.mimir,
        ...common,
        command: ['-config.file=/etc/mimir/mimir.yaml', '-target=all'],
        volumes: [
          './mimir/mimir.yaml:/etc/mimir/mimir.yaml:ro',
          './mimir/rules:/etc/mimir/rules:ro',
          'mimir-data:/data',
        ],
        ports: [port(PORTS.mimir)],
        depends_on: { 'init-volumes': { condition: 'service_completed_successfully' } },
        deploy: limits('1', '2G'),
      },
      alertmanager: {
        image: IMAGES.alertmanager,
        ...common,
        command: [
          '--config.file=/etc/alertmanager/alertmanager.yml',
          '--storage.path=/alertmanager',
          `--web.external-url=http://localhost:${PORTS.alertmanager}`,
        ],
        volumes: [
          './alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro',
          // Slack webhook URL and PagerDuty routing key, one file each (see README); never inline in the config.
          './alertmanager/secrets:/etc/alertmanager/secrets:ro',
          'alertmanager-data:/alertmanager',
        ],
        ports: [port(PORTS.alertmanager)],
        healthcheck: {
          test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORTS.alertmanager}/-/ready`],
          ...healthTiming,
        },
        deploy: limits('0.5', '256M'),
      },
      readiness: {
        image: IMAGES.busybox,
        ...common,
        command: ['sleep', '2147483647'],
        healthcheck: {
          test: [
            'CMD-SHELL',
            `wget -q -O /dev/null http://loki:${PORTS.loki}/ready && wget -q -O /dev/null http://tempo:${PORTS.tempo}/ready && wget -q -O /dev/null http://mimir:${PORTS.mimir}/ready`,
          ],
          ...healthTiming,
          retries: 30,
        },
        depends_on: ['loki', 'tempo', 'mimir'],
        deploy: limits('0.1', '32M'),
      },
      alloy: {
        image: IMAGES.alloy,
        ...common,
        command: [
          'run',
          `--server.http.listen-addr=0.0.0.0:${PORTS.alloyUi}`,
          '--storage.path=/var/lib/alloy/data',
          '/etc/alloy/config.alloy',
        ],
        volumes: ['./alloy/config.alloy:/etc/alloy/config.alloy:ro', 'alloy-data:/var/lib/alloy/data'],
        ports: [port(PORTS.otlpGrpc), port(PORTS.otlpHttp), port(PORTS.alloyUi)],
        // The Alloy image has bash but neither curl nor wget.
        healthcheck: {
          test: [
            'CMD',
            'bash',
            '-c',
            `exec 3<>/dev/tcp/127.0.0.1/${PORTS.alloyUi} && printf 'GET /-/ready HTTP/1.0\\r\\n\\r\\n' >&3 && head -1 <&3 | grep -q 200`,
          ],
          ...healthTiming,
        },
        depends_on: {
          readiness: { condition: 'service_healthy' },
          'init-volumes': { condition: 'service_completed_successfully' },
        },
        deploy: limits('1', '1G'),
      },
      grafana: {
        image: IMAGES.grafana,
        ...common,
        environment: {
          GF_SECURITY_ADMIN_USER: 'admin',
          GF_SECURITY_ADMIN_PASSWORD: REQUIRED_PASSWORD,
          GF_AUTH_ANONYMOUS_ENABLED: 'false',
          GF_AUTH_DISABLE_LOGIN_FORM: 'false',
          GF_USERS_ALLOW_SIGN_UP: 'false',
          GF_SECURITY_COOKIE_SAMESITE: 'strict',
          GF_ANALYTICS_REPORTING_ENABLED: 'false',
          GF_NEWS_NEWS_FEED_ENABLED: 'false',
        },
        volumes: [
          './grafana/provisioning:/etc/grafana/provisioning:ro',
          './grafana/dashboards:/etc/grafana/dashboards/sightline:ro',
          'grafana-data:/var/lib/grafana',
        ],
        ports: [port(PORTS.grafana)],
        healthcheck: {
          test: ['CMD', 'wget', '-q', '-O', '/dev/null', `http://127.0.0.1:${PORTS.grafana}/api/health`],
          ...healthTiming,
        },
        depends_on: { readiness: { condition: 'service_healthy' }, alertmanager: { condition: 'service_healthy' } },
        deploy: limits('1', '512M'),
      },
    },
    networks: { lgtm: {} },
    volumes: {
      'grafana-data': {},
      'loki-data': {},
      'tempo-data': {},
      'mimir-data': {},
      'alloy-data': {},
      'alertmanager-data': {},
    },
  };
}
