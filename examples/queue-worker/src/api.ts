import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { trace } from '@opentelemetry/api';
import { logger, recordError } from '@sightline/node';
import express, { type ErrorRequestHandler } from 'express';
import { readConfig } from './config.js';
import { openJobQueue } from './job-queue.js';
import { JobStore } from './job-store.js';

// Started as `node --import @sightline/node/register dist/api.js`.
async function main(): Promise<void> {
  const config = readConfig();
  const store = new JobStore(config.databaseUrl, config.jobsTable);
  await store.migrate();
  const queue = await openJobQueue(config);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '64kb' }));
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });

  // Accepts any JSON payload on purpose: validating it is the worker's job, which is how poison messages happen.
  app.post('/jobs', async (req, res) => {
    const { kind, payload } = (req.body ?? {}) as { kind?: unknown; payload?: unknown };
    if (typeof kind !== 'string' || kind.length === 0) {
      logger.warn({ kind }, 'rejected job without kind');
      res.status(400).json({ error: { code: 'INVALID_JOB', message: 'kind must be a non-empty string' } });
      return;
    }
    const job = { id: randomUUID(), kind, payload };
    await store.insertQueued(job);
    await queue.publish(job);
    logger.info({ jobId: job.id, kind, queue: config.queue }, 'job queued');
    res.status(202).json({ jobId: job.id, traceId: trace.getActiveSpan()?.spanContext().traceId });
  });

  app.get('/jobs/:id', async (req, res) => {
    const job = await store.find(req.params.id);
    if (!job) {
      res.status(404).json({ error: { code: 'JOB_NOT_FOUND', message: `job ${req.params.id} does not exist` } });
      return;
    }
    res.json(job);
  });

  const onError: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    recordError(err);
    logger.error({ err, method: req.method, path: req.path }, 'request failed');
    res.status(500).json({
      error: { code: 'INTERNAL', message: 'internal error', traceId: trace.getActiveSpan()?.spanContext().traceId },
    });
  };
  app.use(onError);

  const server = app.listen(config.port, config.host);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  logger.info(
    { address: `http://${config.host}:${port}`, transport: config.transport, queue: config.queue },
    'jobs api listening',
  );

  const shutdown = async (signal: NodeJS.Signals): Promise<void> => {
    logger.info({ signal }, 'api shutting down');
    setTimeout(() => process.exit(1), config.shutdownTimeoutMs).unref();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
    await queue.close().catch((err: unknown) => logger.warn({ err }, 'queue close failed'));
    await store.close();
    logger.info('api stopped');
  };
  process.once('SIGTERM', (signal) => void shutdown(signal));
  process.once('SIGINT', (signal) => void shutdown(signal));
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'jobs api failed to start');
  process.exitCode = 1;
});
