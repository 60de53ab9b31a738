import type { AddressInfo } from 'node:net';
import { logger } from '@sightline/node';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { OrderCache } from './order-cache.js';
import { OrderService } from './order-service.js';
import { OrderStore } from './order-store.js';

// Started as `node --import @sightline/node/register dist/server.js`: the SDK is running before this line.
async function main(): Promise<void> {
  const config = readConfig();
  const store = new OrderStore(config.databaseUrl, config.ordersTable);
  const cache = new OrderCache(config.redisUrl, config.cachePrefix, config.cacheTtlSeconds);
  await store.migrate();
  await cache.connect();
  logger.info({ table: config.ordersTable }, 'database migrated, cache connected');

  let accepting = true;
  const app = createApp(new OrderService(store, cache), {
    check: async () => {
      await Promise.all([store.ping(), cache.ping()]);
    },
    accepting: () => accepting,
  });
  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  logger.info({ address: `http://${config.host}:${port}` }, 'orders api listening');

  // Graceful shutdown: stop accepting, let in-flight requests finish, close pools. @sightline/node flushes the
  // buffered telemetry on the same signal without taking over the exit.
  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    accepting = false;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await Promise.allSettled([store.close(), cache.close()]);
    logger.info('shut down cleanly');
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'orders api failed to start');
  process.exitCode = 1;
});
