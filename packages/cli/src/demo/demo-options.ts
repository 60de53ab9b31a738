/** The flags of `sightline demo`, validated once here; everything downstream trusts these types. */
import { DemoError } from './demo-errors.js';

export const DEFAULT_PORTS = { port: 4400, otlpGrpcPort: 4317, otlpHttpPort: 4318 } as const;
export const DEFAULT_RATE = 5;
export const LOCAL_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const LOCAL_RABBITMQ_URL = 'amqp://guest:guest@127.0.0.1:5672';

export type PortName = keyof typeof DEFAULT_PORTS;

export interface DemoOptions {
  /** Explicit ports (0 = any free port); a missing one uses its default, or a free port if that is busy. */
  ports: Partial<Record<PortName, number>>;
  /** Undefined: a fresh temporary directory, removed when the demo stops. */
  dataDir?: string;
  /** Requests per second the traffic generator sends to `api`. */
  rate: number;
  /** Stop everything after this many seconds; undefined runs until Ctrl-C / SIGTERM. */
  durationS?: number;
  /** `auto` (PostgreSQL on 127.0.0.1:5432 if reachable), `memory`, or a postgres:// URL. */
  database: string;
  /** `auto` (RabbitMQ on 127.0.0.1:5672 if reachable), `memory`, or an amqp:// URL. */
  queue: string;
}

/** Raw option values as commander hands them over (all strings, absent when not given). */
export interface RawDemoOptions {
  port?: string;
  otlpGrpcPort?: string;
  otlpHttpPort?: string;
  dataDir?: string;
  rate?: string;
  duration?: string;
  database?: string;
  queue?: string;
}

const FLAGS: Record<PortName, string> = {
  port: '--port',
  otlpGrpcPort: '--otlp-grpc-port',
  otlpHttpPort: '--otlp-http-port',
};

export const flagOf = (name: PortName): string => FLAGS[name];

function invalid(message: string): DemoError {
  return new DemoError('SIGHTLINE_ERR_DEMO_INVALID_OPTION', message, 2);
}

function parsePort(flag: string, value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65_535) {
    throw invalid(`${flag} must be an integer from 0 to 65535 (0 picks a free port), got '${value}'`);
  }
  return port;
}

function parsePositive(flag: string, value: string, max: number, unit: string): number {
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number <= 0 || number > max) {
    throw invalid(`${flag} must be a number of ${unit} greater than 0 and at most ${max}, got '${value}'`);
  }
  return number;
}

function parseChoice(flag: string, value: string, schemes: string[]): string {
  if (value === 'auto' || value === 'memory') return value;
  let scheme: string;
  try {
    scheme = new URL(value).protocol.replace(/:$/, '');
  } catch {
    scheme = '';
  }
  if (!schemes.includes(scheme)) {
    throw invalid(
      `${flag} must be 'auto', 'memory' or a URL starting with ${schemes.map((s) => `${s}://`).join(' or ')}, got '${value}'`,
    );
  }
  return value;
}

export function parseDemoOptions(raw: RawDemoOptions): DemoOptions {
  const ports: DemoOptions['ports'] = {};
  for (const name of Object.keys(FLAGS) as PortName[]) {
    const value = raw[name];
    if (value !== undefined) ports[name] = parsePort(FLAGS[name], value);
  }
  if (raw.dataDir !== undefined && raw.dataDir.trim() === '')
    throw invalid(`--data-dir must be a directory path, got ''`);
  return {
    ports,
    dataDir: raw.dataDir,
    rate: raw.rate === undefined ? DEFAULT_RATE : parsePositive('--rate', raw.rate, 1_000, 'requests per second'),
    durationS:
      raw.duration === undefined ? undefined : parsePositive('--duration', raw.duration, 31_536_000, 'seconds'),
    database: parseChoice('--database', raw.database ?? 'auto', ['postgres', 'postgresql']),
    queue: parseChoice('--queue', raw.queue ?? 'auto', ['amqp', 'amqps']),
  };
}
