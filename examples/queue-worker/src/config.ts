/**
 * Configuration of both processes, read once from the environment. Invalid values stop the process with a message
 * naming the variable, the value and what is accepted.
 */
export type Transport = 'rabbitmq' | 'nats';

export interface QueueConfig {
  transport: Transport;
  /** RabbitMQ queue or NATS subject carrying the jobs; tests use a unique name per run. */
  queue: string;
  /** Where poison messages end up: a RabbitMQ queue bound through the dead-letter exchange, or a NATS subject. */
  deadLetterQueue: string;
  amqpUrl: string;
  natsUrl: string;
  jobsTable: string;
  redisUrl: string;
  cachePrefix: string;
  databaseUrl: string | undefined;
  host: string;
  port: number;
  shutdownTimeoutMs: number;
}

export class ConfigError extends Error {
  readonly code = 'SIGHTLINE_ERR_EXAMPLE_CONFIG';
}

function integer(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected an integer from ${min} to ${max}`);
  }
  return value;
}

function matching(name: string, fallback: string, pattern: RegExp, accepted: string): string {
  const raw = process.env[name] || fallback;
  if (!pattern.test(raw)) throw new ConfigError(`${name}=${JSON.stringify(raw)} is not valid: expected ${accepted}`);
  return raw;
}

export function readConfig(): QueueConfig {
  process.env.PGHOST ??= '127.0.0.1';
  process.env.PGPORT ??= '5432';
  process.env.PGDATABASE ??= 'test';
  process.env.PGUSER ??= 'postgres';
  const transport = matching('QUEUE_TRANSPORT', 'rabbitmq', /^(rabbitmq|nats)$/, '"rabbitmq" or "nats"') as Transport;
  const queue = matching(
    'JOBS_QUEUE',
    'jobs',
    /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,100}$/,
    'letters, digits, "_", "-", "."',
  );
  return {
    transport,
    queue,
    deadLetterQueue: `${queue}.dead`,
    amqpUrl: process.env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672',
    natsUrl: process.env.NATS_URL || 'nats://127.0.0.1:4222',
    jobsTable: matching(
      'JOBS_TABLE',
      'jobs',
      /^[a-z_][a-z0-9_]{0,62}$/,
      'a lowercase SQL identifier ([a-z_][a-z0-9_]*)',
    ),
    redisUrl: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
    cachePrefix: process.env.CACHE_PREFIX ?? 'jobs:',
    databaseUrl: process.env.DATABASE_URL || undefined,
    host: process.env.HOST || '127.0.0.1',
    port: integer('PORT', 3001, 0, 65535),
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}
