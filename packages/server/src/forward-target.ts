import { SightlineError } from './errors.js';

/** Where `--forward` sends a copy of every accepted batch, and how. */
export interface ForwardTarget {
  /** `grpc`: OTLP/gRPC Export calls; `http/protobuf`: POST `<url>/v1/{traces,metrics,logs}`. */
  protocol: 'grpc' | 'http/protobuf';
  /** http/protobuf: the base URL without a trailing slash. grpc: `host:port` (the address grpc-js dials). */
  address: string;
  /** grpc only: TLS (`grpcs://`) or plaintext HTTP/2 (`grpc://`). http/protobuf: https or http, from the URL. */
  tls: boolean;
  /** Sent with every upstream request (HTTP headers / gRPC metadata), e.g. `authorization`. Keys lowercase. */
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** The URL as the user gave it (for messages). */
  display: string;
}

export const FORWARD_HEADERS_ENV = 'SIGHTLINE_FORWARD_HEADERS';
export const FORWARD_COMPRESSION_ENV = 'SIGHTLINE_FORWARD_COMPRESSION';

const GRPC_DEFAULT_PORT = '4317';

function badUrl(value: string, why: string): SightlineError {
  return new SightlineError(
    'SIGHTLINE_ERR_INVALID_FORWARD_URL',
    `--forward "${value}" ${why}; use grpc://host:4317 (OTLP/gRPC, grpcs:// for TLS) or http://host:4318 (OTLP/HTTP base, https:// for TLS)`,
  );
}

/**
 * Headers in the OTEL_EXPORTER_OTLP_HEADERS format: `key=value,key2=value2`, values percent-decoded
 * (`authorization=Bearer%20abc`).
 */
export function parseHeaderList(raw: string, source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of raw.split(',')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq).trim().toLowerCase() : '';
    let value: string | undefined;
    try {
      value = eq > 0 ? decodeURIComponent(part.slice(eq + 1).trim()) : undefined;
    } catch {
      value = undefined;
    }
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(key) || value === undefined || /[\r\n]/.test(value)) {
      throw new SightlineError(
        'SIGHTLINE_ERR_INVALID_FORWARD_HEADERS',
        `${source}: "${part.trim().slice(0, 60)}" is not key=value; use e.g. authorization=Bearer%20TOKEN,x-scope-orgid=dev (values percent-encoded)`,
      );
    }
    out[key] = value;
  }
  return out;
}

/**
 * The `--forward` rule: the URL's scheme picks the protocol. `grpc://host[:4317]` and `grpcs://host[:4317]` are
 * OTLP/gRPC (plaintext / TLS, no path); `http://` and `https://` are OTLP/HTTP with protobuf bodies posted to
 * `<url>/v1/<signal>`. Headers and gzip come from the options or, when absent, SIGHTLINE_FORWARD_HEADERS and
 * SIGHTLINE_FORWARD_COMPRESSION (environment, so secrets stay out of the process list).
 */
export function parseForwardTarget(
  value: string,
  extra: { headers?: Record<string, string>; compression?: string } = {},
  env: NodeJS.ProcessEnv = process.env,
): ForwardTarget {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badUrl(value, 'is not a URL');
  }
  const headers = extra.headers
    ? Object.fromEntries(Object.entries(extra.headers).map(([k, v]) => [k.toLowerCase(), v]))
    : env[FORWARD_HEADERS_ENV]
      ? parseHeaderList(env[FORWARD_HEADERS_ENV], FORWARD_HEADERS_ENV)
      : {};
  const compressionRaw = extra.compression ?? env[FORWARD_COMPRESSION_ENV] ?? 'none';
  if (compressionRaw !== 'gzip' && compressionRaw !== 'none') {
    throw new SightlineError(
      'SIGHTLINE_ERR_INVALID_OPTION',
      `${extra.compression !== undefined ? 'forwardCompression' : FORWARD_COMPRESSION_ENV} "${compressionRaw}" is not gzip or none`,
    );
  }
  const common = { headers, compression: compressionRaw, display: value } as const;
  if (url.protocol === 'grpc:' || url.protocol === 'grpcs:') {
    if (!url.hostname) throw badUrl(value, 'has no host');
    if (url.pathname !== '' && url.pathname !== '/') throw badUrl(value, 'has a path, which OTLP/gRPC does not use');
    if (url.search || url.hash) throw badUrl(value, 'has a query or fragment, which OTLP/gRPC does not use');
    if (url.username || url.password) throw badUrl(value, `has credentials; pass them in ${FORWARD_HEADERS_ENV}`);
    return {
      protocol: 'grpc',
      address: `${url.hostname}:${url.port || GRPC_DEFAULT_PORT}`,
      tls: url.protocol === 'grpcs:',
      ...common,
    };
  }
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    if (url.search || url.hash) throw badUrl(value, 'has a query or fragment');
    return {
      protocol: 'http/protobuf',
      address: url.toString().replace(/\/+$/, ''),
      tls: url.protocol === 'https:',
      ...common,
    };
  }
  throw badUrl(value, `has the scheme ${url.protocol.replace(/:$/, '')}`);
}

/** A likely mistake worth a warning: an http:// URL on the OTLP/gRPC port. */
export function forwardTargetHint(target: ForwardTarget): string | undefined {
  if (target.protocol !== 'http/protobuf') return undefined;
  const url = new URL(target.address);
  if (url.port !== GRPC_DEFAULT_PORT) return undefined;
  return `--forward ${target.display} posts OTLP/HTTP to port 4317, the usual OTLP/gRPC port; for gRPC write grpc://${url.host}`;
}
