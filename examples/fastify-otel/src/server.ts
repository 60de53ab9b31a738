import { logger } from '@sightline/node';
import { createApp } from './app.js';
import { readConfig } from './config.js';
import { OrderCache } from './order-cache.js';
import { OrderService } from './order-service.js';
import { OrderStore } from './order-store.js';

// Started as `node --import @sightline/node/register dist/server.js`: that flag is the whole telemetry setup.
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
  // Fastify's onClose hook runs after in-flight requests have been answered.
  app.addHook('onClose', async () => {
    await Promise.allSettled([store.close(), cache.close()]);
  });
  const url = await app.listen({ port: config.port, host: config.host });
  logger.info({ address: url }, 'orders api listening');

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    accepting = false;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    await app.close();
    logger.info('shut down cleanly');
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'orders api failed to start');
  process.exitCode = 1;
});
