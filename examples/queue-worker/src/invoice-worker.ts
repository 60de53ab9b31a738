import { createHash } from 'node:crypto';
import { logger, meter, recordError, withSpan } from '@sightline/node';
import type { Redis } from 'ioredis';
import { decodeJob, PoisonMessageError, parseInvoiceRequest } from './job-model.js';
import type { JobHandler } from './job-queue.js';
import type { JobStore } from './job-store.js';

// Jobs handled, by outcome (`done`, `dead`): the worker's throughput and poison rate on one chart.
const jobsProcessed = meter.counter('jobs.processed', {
  unit: '{job}',
  description: 'Jobs the worker finished, by outcome',
});
const jobDuration = meter.histogram('jobs.duration', {
  unit: 's',
  description: 'Time from receiving a job to settling it',
});

/**
 * The worker's business logic: render an invoice for an order, store the result, cache it. Runs inside the consumer
 * span that continues the api request's trace, so every span and log line here belongs to that request's trace.
 */
export function createInvoiceHandler(store: JobStore, redis: Redis, cachePrefix: string): JobHandler {
  return async (body) => {
    let jobId = '';
    const started = performance.now();
    try {
      const job = decodeJob(body);
      jobId = job.id;
      if (job.kind !== 'invoice.render') throw new PoisonMessageError(`unknown job kind ${JSON.stringify(job.kind)}`);
      await withSpan('invoice.render', { 'job.id': job.id, 'job.kind': job.kind }, async () => {
        const request = parseInvoiceRequest(job.payload);
        const invoice = renderInvoice(request.orderId, request.customer, request.amount);
        await store.finish(job.id, 'done', invoice);
        await redis.set(cachePrefix + job.id, JSON.stringify(invoice), 'EX', 3600);
        logger.info({ jobId: job.id, orderId: request.orderId, invoiceNumber: invoice.number }, 'invoice rendered');
      });
      jobsProcessed.add(1, { 'job.outcome': 'done' });
      jobDuration.record((performance.now() - started) / 1000, { 'job.outcome': 'done' });
    } catch (err) {
      jobsProcessed.add(1, { 'job.outcome': 'dead' });
      jobDuration.record((performance.now() - started) / 1000, { 'job.outcome': 'dead' });
      // The dead-letter path: exception on the consumer span, an error log with this trace's ids, the job marked dead.
      recordError(err);
      logger.error({ err, jobId }, 'job failed, moved to the dead-letter queue');
      if (jobId) {
        await store
          .finish(jobId, 'dead', null, err instanceof Error ? err.message : String(err))
          .catch((storeErr: unknown) => logger.warn({ err: storeErr, jobId }, 'could not mark job dead'));
      }
      throw err;
    }
  };
}

function renderInvoice(orderId: number, customer: string, amount: number) {
  const number = `INV-${orderId.toString().padStart(8, '0')}`;
  const text = `Invoice ${number}\nCustomer: ${customer}\nAmount due: ${amount.toFixed(2)} USD\n`;
  return { number, text, sha256: createHash('sha256').update(text).digest('hex') };
}
