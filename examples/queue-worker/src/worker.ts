import { logger } from '@sightline/node';
import { Redis } from 'ioredis';
import { readConfig } from './config.js';
import { createInvoiceHandler } from './invoice-worker.js';
import { openJobQueue } from './job-queue.js';
import { JobStore } from './job-store.js';

// Started as `node --import @sightline/node/register dist/worker.js`.
async function main(): Promise<void> {
  const config = readConfig();
  const store = new JobStore(config.databaseUrl, config.jobsTable);
  await store.migrate();
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  const queue = await openJobQueue(config);
  await queue.consume(createInvoiceHandler(store, redis, config.cachePrefix));
  logger.info(
    { transport: config.transport, queue: config.queue, deadLetterQueue: config.deadLetterQueue },
    'worker consuming',
  );

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    logger.info({ signal }, 'worker shutting down');
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    await queue.close().catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
    await Promise.allSettled([store.close(), redis.quit()]);
    logger.info('worker stopped');
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'worker failed to start');
  process.exitCode = 1;
});
