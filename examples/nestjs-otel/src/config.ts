/**
 * Configuration from the environment, read once at start-up. Invalid values stop the service with a message
 * naming the variable, the value and what is accepted (a misconfigured service should not half-start).
 */
export interface OrdersConfig {
  host: string;
  port: number;
  /** Table holding the orders; tests use a unique name per run. */
  ordersTable: string;
  /** Prefix of every Redis key this service writes. */
  cachePrefix: string;
  cacheTtlSeconds: number;
  redisUrl: string;
  /** pg reads PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD itself; DATABASE_URL wins when set. */
  databaseUrl: string | undefined;
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

function identifier(name: string, fallback: string): string {
  const raw = process.env[name] ?? fallback;
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(raw)) {
    throw new ConfigError(
      `${name}=${JSON.stringify(raw)} is not valid: expected a lowercase SQL identifier ([a-z_][a-z0-9_]*, at most 63 characters)`,
    );
  }
  return raw;
}

export function readConfig(): OrdersConfig {
  // Defaults match the development machine: PostgreSQL db `test` as user postgres on 127.0.0.1:5432.
  process.env.PGHOST ??= '127.0.0.1';
  process.env.PGPORT ??= '5432';
  process.env.PGDATABASE ??= 'test';
  process.env.PGUSER ??= 'postgres';
  return {
    host: process.env.HOST ?? '127.0.0.1',
    port: integer('PORT', 3000, 0, 65535),
    ordersTable: identifier('ORDERS_TABLE', 'orders'),
    cachePrefix: process.env.CACHE_PREFIX ?? 'orders:',
    cacheTtlSeconds: integer('CACHE_TTL_SECONDS', 60, 1, 86_400),
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseUrl: process.env.DATABASE_URL || undefined,
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 100, 120_000),
  };
}
