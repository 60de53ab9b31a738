// Resource attributes: who is sending. Local facts only; no cloud metadata calls (they hang where there is no cloud).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { arch, hostname, type } from 'node:os';
import { join } from 'node:path';
import type { Resource } from '@opentelemetry/resources';
import type { ResolvedConfig } from './config.js';
import { StaticResource } from './static-resource.js';

export const DEFAULT_SERVICE_NAME = 'unknown_service:node';

function appPackage(): { name?: string; version?: string } {
  try {
    return JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name?: string; version?: string };
  } catch {
    return {};
  }
}

function readSmall(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Container id from cgroup v1 paths or the v2 mountinfo of /etc/hostname. */
export function containerId(
  cgroup = readSmall('/proc/self/cgroup'),
  mountinfo = readSmall('/proc/self/mountinfo'),
): string | undefined {
  const re = /([0-9a-f]{64})/;
  for (const line of cgroup?.split('\n') ?? []) {
    const m = re.exec(line);
    if (m) return m[1];
  }
  for (const line of mountinfo?.split('\n') ?? []) {
    if (!line.includes('/etc/hostname')) continue;
    const m = /containers\/([0-9a-f]{64})/.exec(line) ?? re.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

export function buildResource(cfg: ResolvedConfig): Resource {
  const pkg = appPackage();
  const attrs: Record<string, string | number | boolean> = {
    'host.name': hostname(),
    'host.arch': arch(),
    'os.type': type().toLowerCase(),
    'process.pid': process.pid,
    'process.runtime.name': 'nodejs',
    'process.runtime.version': process.versions.node,
    'process.executable.name': process.title,
    'telemetry.sdk.name': 'opentelemetry',
    'telemetry.sdk.language': 'nodejs',
    'telemetry.distro.name': '@sightline/node',
    'service.instance.id': randomUUID(),
  };
  const cid = containerId();
  if (cid) attrs['container.id'] = cid;
  if (process.env.KUBERNETES_SERVICE_HOST) {
    if (process.env.HOSTNAME) attrs['k8s.pod.name'] = process.env.HOSTNAME;
    const ns = readSmall('/var/run/secrets/kubernetes.io/serviceaccount/namespace')?.trim();
    if (ns) attrs['k8s.namespace.name'] = ns;
  }
  Object.assign(attrs, cfg.resourceAttributes);
  attrs['service.name'] = cfg.serviceName ?? pkg.name ?? DEFAULT_SERVICE_NAME;
  const version = cfg.serviceVersion ?? pkg.version;
  if (version) attrs['service.version'] = version;
  if (cfg.environment) attrs['deployment.environment.name'] = cfg.environment;
  return new StaticResource(attrs);
}
