import type { MetricFamily } from './metric-model.js';
import { finding } from './naming-rules.js';
import type { Finding } from './rule-catalog.js';

/** Semantic-convention attribute keys that were renamed; the key is the old name in dotted form. */
const DEPRECATED_ATTRIBUTES: Record<string, string> = {
  'http.method': 'http.request.method',
  'http.status_code': 'http.response.status_code',
  'http.url': 'url.full',
  'http.target': 'url.path',
  'http.scheme': 'url.scheme',
  'http.flavor': 'network.protocol.version',
  'http.user_agent': 'user_agent.original',
  'http.client_ip': 'client.address',
  'http.host': 'server.address',
  'net.host.name': 'server.address',
  'net.host.port': 'server.port',
  'net.peer.name': 'server.address',
  'net.peer.port': 'server.port',
  'net.protocol.name': 'network.protocol.name',
  'net.protocol.version': 'network.protocol.version',
  'net.sock.peer.addr': 'network.peer.address',
  'net.transport': 'network.transport',
  'db.system': 'db.system.name',
  'db.statement': 'db.query.text',
  'db.operation': 'db.operation.name',
  'db.name': 'db.namespace',
  'messaging.destination': 'messaging.destination.name',
};
const DEPRECATED_BY_UNDERSCORE = new Map(
  Object.entries(DEPRECATED_ATTRIBUTES).map(([k, v]) => [k.replace(/\./g, '_'), v]),
);

// Keys whose values are unbounded by nature: ids, raw URLs, addresses, free text.
const UNBOUNDED_KEYS = new Set(
  [
    'url.full',
    'http.url',
    'http.target',
    'url.path',
    'url.query',
    'client.address',
    'network.peer.address',
    'user_agent.original',
    'http.user_agent',
    'db.query.text',
    'db.statement',
    'exception.message',
    'enduser.id',
  ].flatMap((k) => [k, k.replace(/\./g, '_')]),
);
const ID_KEY = /(^|[._])(id|ids|uuid|guid|email|e_mail|ip|token)$|[a-z]Id$|[a-z]ID$/;

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const LONG_HEX = /^[0-9a-f]{16,}$/i;
const EMAIL = /^[^@\s]+@[^@\s]+\.[a-z]{2,}$/i;
const PATH_WITH_ID = /\/(\d{2,}|[0-9a-f]{12,}|[0-9a-f-]{36})(\/|$|\?)/i;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

export interface AttributeRuleOptions {
  /** Distinct values per attribute above which it counts as high-cardinality (default 100). */
  maxDistinctValues?: number;
}

function unboundedValue(value: string): string | undefined {
  if (UUID.test(value)) return 'a UUID';
  if (LONG_HEX.test(value)) return 'a long hex id';
  if (EMAIL.test(value)) return 'an email address';
  if (PATH_WITH_ID.test(value)) return 'a URL path containing an id';
  if (IPV4.test(value)) return 'an IP address';
  if (/^\d{6,}$/.test(value)) return 'a numeric id';
  return undefined;
}

/** Attribute-key style, deprecated keys and cardinality rules. */
export function attributeFindings(metric: MetricFamily, options: AttributeRuleOptions = {}): Finding[] {
  const out: Finding[] = [];
  const max = options.maxDistinctValues ?? 100;
  const keyPattern = metric.form === 'prometheus' ? /^[a-z_][a-z0-9_]*$/ : /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$/;
  for (const [key, values] of metric.attributes) {
    const deprecated = metric.form === 'prometheus' ? DEPRECATED_BY_UNDERSCORE.get(key) : DEPRECATED_ATTRIBUTES[key];
    if (!keyPattern.test(key) || key.startsWith('__')) {
      const fixed = key
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[^a-zA-Z0-9_.]+/g, '_')
        .replace(/^_+/, '')
        .toLowerCase();
      out.push(
        finding(
          'attributeKey',
          metric,
          `${metric.name}: attribute key "${key}" is not ${metric.form === 'prometheus' ? 'snake_case' : 'lowercase dot.separated snake_case'}`,
          `rename to ${metric.form === 'prometheus' ? fixed.replace(/\./g, '_') : fixed}`,
          key,
        ),
      );
    } else if (deprecated) {
      const current = metric.form === 'prometheus' ? deprecated.replace(/\./g, '_') : deprecated;
      out.push(
        finding(
          'attributeKey',
          metric,
          `${metric.name}: attribute key "${key}" is a deprecated semantic-convention key`,
          `use ${current}`,
          key,
        ),
      );
    }
    const byKey = UNBOUNDED_KEYS.has(key) || ID_KEY.test(key);
    const sample = [...values].find((v) => unboundedValue(v) !== undefined);
    if (byKey || sample !== undefined || values.size > max) {
      const why = byKey
        ? `"${key}" holds per-request values`
        : sample !== undefined
          ? `"${key}" has values like ${JSON.stringify(sample.length > 60 ? `${sample.slice(0, 57)}...` : sample)} (${unboundedValue(sample)})`
          : `"${key}" has ${values.size} distinct values (limit ${max})`;
      out.push(
        finding(
          'highCardinality',
          metric,
          `${metric.name}: high-cardinality attribute ${why}; every value is a new time series`,
          key.includes('url') || key.includes('target') || key.includes('path') || (sample && PATH_WITH_ID.test(sample))
            ? 'use the route template (http.route, e.g. /orders/:id) instead'
            : 'drop it from the metric (keep it on spans and logs, where ids belong)',
          key,
        ),
      );
    }
  }
  return out;
}
