import { resolve } from 'node:path';
import { z } from 'zod';
import { SightlineError } from './errors.js';
import { type ForwardTarget, forwardTargetHint, parseForwardTarget } from './forward-target.js';

/** Options of startServer(); every field mirrors a `sightline up` flag. */
export interface ServerOptions {
  /** Directory holding sightline.duckdb (created if missing). `--data-dir`, default `./.sightline`. */
  dataDir?: string;
  /** Address every listener binds. `--host`, default 127.0.0.1. */
  host?: string;
  /** OTLP/gRPC port (`--otlp-grpc-port`, default 4317; 0 = ephemeral). */
  otlpGrpcPort?: number;
  /** OTLP/HTTP port (`--otlp-http-port`, default 4318; 0 = ephemeral). */
  otlpHttpPort?: number;
  /** Query API and UI port (`--port`, default 4400; 0 = ephemeral). */
  port?: number;
  /** How long data is kept, e.g. `7d`, `12h`, `30m` (`--retention`). */
  retention?: string;
  /** Largest accepted request body, compressed or not, e.g. `16MiB`, `512KiB` (`--max-body`). */
  maxBody?: string;
  /** When set, every OTLP and API request needs `Authorization: Bearer <token>` (`--token`). */
  token?: string;
  /**
   * Upstream that receives a copy of every accepted batch (`--forward`): `grpc://host:4317` / `grpcs://…` for OTLP/gRPC,
   * `http://host:4318` / `https://…` for OTLP/HTTP (protobuf to `<url>/v1/<signal>`).
   */
  forward?: string;
  /** Headers/metadata for the upstream (e.g. `{ authorization: 'Bearer …' }`). Default: SIGHTLINE_FORWARD_HEADERS. */
  forwardHeaders?: Record<string, string>;
  /** `gzip` or `none` for upstream requests. Default: SIGHTLINE_FORWARD_COMPRESSION, else none. */
  forwardCompression?: 'gzip' | 'none';
  /** Directory with the built UI (index.html) served at `/`. */
  uiDir?: string;
  /** Rows waiting to be committed before receivers answer 429/RESOURCE_EXHAUSTED. Default 100,000. */
  maxQueuedRows?: number;
  /** Where warnings go (default: stderr). */
  onWarning?: (message: string) => void;
}

export interface ResolvedOptions {
  dataDir: string;
  host: string;
  otlpGrpcPort: number;
  otlpHttpPort: number;
  port: number;
  retentionMs: number;
  retention: string;
  maxBodyBytes: number;
  token: string | undefined;
  forward: ForwardTarget | undefined;
  uiDir: string | undefined;
  maxQueuedRows: number;
  onWarning: (message: string) => void;
}

const DURATION_UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1000,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** Parses `7d`, `12h`, `30m`, `90s`, `2w` into milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(value.trim());
  if (!m) {
    throw new SightlineError(
      'SIGHTLINE_ERR_INVALID_DURATION',
      `${flag} "${value}" is not a duration; use a number followed by s, m, h, d or w (e.g. 7d, 12h)`,
    );
  }
  const ms = Number(m[1]) * (DURATION_UNITS[m[2]!.toLowerCase()] ?? 0);
  if (ms < 60_000) {
    throw new SightlineError('SIGHTLINE_ERR_INVALID_DURATION', `${flag} "${value}" is too short; the minimum is 1m`);
  }
  return ms;
}

/** Parses `16MiB`, `512KiB`, `1000000` into bytes. */
export function parseSize(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]i?b|b)?$/i.exec(value.trim());
  const bytes = m ? Math.floor(Number(m[1]) * (SIZE_UNITS[(m[2] ?? '').toLowerCase()] ?? 0)) : Number.NaN;
  if (!m || !(bytes >= 1024) || bytes > 1024 ** 3) {
    throw new SightlineError(
      'SIGHTLINE_ERR_INVALID_SIZE',
      `${flag} "${value}" is not a size between 1KiB and 1GiB; use e.g. 16MiB, 512KiB or a byte count`,
    );
  }
  return bytes;
}

function port(value: unknown, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 65535) {
    throw new SightlineError('SIGHTLINE_ERR_INVALID_PORT', `${flag} "${String(value)}" is not a port; use 0-65535`);
  }
  return n;
}

const optionsSchema = z.object({
  dataDir: z.string().min(1).optional(),
  host: z.string().min(1).optional(),
  retention: z.string().optional(),
  maxBody: z.string().optional(),
  token: z.string().optional(),
  forward: z.string().optional(),
  forwardHeaders: z.record(z.string(), z.string()).optional(),
  forwardCompression: z.enum(['gzip', 'none']).optional(),
  uiDir: z.string().optional(),
  maxQueuedRows: z.number().int().positive().optional(),
});

export function resolveOptions(options: ServerOptions): ResolvedOptions {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SightlineError('SIGHTLINE_ERR_INVALID_OPTION', `option ${issue?.path.join('.')}: ${issue?.message}`);
  }
  const token = options.token === '' ? undefined : options.token;
  const onWarning = options.onWarning ?? ((m: string) => process.stderr.write(`warning: ${m}\n`));
  const forward = options.forward
    ? parseForwardTarget(options.forward, { headers: options.forwardHeaders, compression: options.forwardCompression })
    : undefined;
  const hint = forward && forwardTargetHint(forward);
  if (hint) onWarning(hint);
  return {
    dataDir: resolve(options.dataDir ?? '.sightline'),
    host: options.host ?? '127.0.0.1',
    otlpGrpcPort: port(options.otlpGrpcPort, '--otlp-grpc-port', 4317),
    otlpHttpPort: port(options.otlpHttpPort, '--otlp-http-port', 4318),
    port: port(options.port, '--port', 4400),
    retention: options.retention ?? '7d',
    retentionMs: parseDuration(options.retention ?? '7d', '--retention'),
    maxBodyBytes: parseSize(options.maxBody ?? '16MiB', '--max-body'),
    token,
    forward,
    uiDir: options.uiDir,
    maxQueuedRows: options.maxQueuedRows ?? 100_000,
    onWarning,
  };
}
