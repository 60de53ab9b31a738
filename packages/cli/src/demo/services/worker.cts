/**
 * `worker`: takes jobs from the queue `api` publishes to (RabbitMQ when reachable, else its own in-process
 * queue fed over HTTP) and processes each in a span that continues the publisher's trace.
 */

import { logger, withSpan } from '@sightline/node';
import express from 'express';
import { type JobConsumer, type JobEnvelope, type QueueAddress, startJobConsumer } from './job-queue.cjs';
import { runService } from './service-runtime.cjs';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class MailRelayError extends Error {
  override name = 'MailRelayError';
}

/** One job: render and send an order confirmation; the mail relay times out now and then. */
async function handleJob(job: JobEnvelope): Promise<void> {
  const { orderId, sku } = job.payload as { orderId?: string; sku?: string };
  await withSpan('render confirmation email', { 'demo.order.id': String(orderId) }, () =>
    sleep(5 + Math.random() * 20),
  );
  await withSpan('send confirmation email', { 'demo.order.id': String(orderId) }, async () => {
    await sleep(10 + Math.random() * 60);
    if (Math.random() < 0.05) throw new MailRelayError(`mail relay timed out sending confirmation for ${orderId}`);
  });
  logger.info({ orderId, sku, jobId: job.id }, 'order confirmation sent');
}

async function main(): Promise<void> {
  const queueName = process.env.DEMO_QUEUE_NAME || 'sightline-demo.jobs';
  let address: QueueAddress = { transport: 'memory', url: '', queue: queueName };
  let consumer: JobConsumer | undefined;
  const brokerUrl = process.env.DEMO_QUEUE_URL;
  if (brokerUrl) {
    try {
      address = { transport: 'rabbitmq', url: brokerUrl, queue: queueName };
      consumer = await startJobConsumer(address, handleJob);
    } catch (error) {
      logger.warn({ err: error }, 'RabbitMQ is not usable; worker falls back to its in-process queue');
      address = { transport: 'memory', url: '', queue: queueName };
    }
  }
  const jobs = consumer ?? (await startJobConsumer(address, handleJob));

  const app = express();
  app.post('/jobs', express.json(), (req, res) => {
    const job = req.body as JobEnvelope;
    if (typeof job?.id !== 'string' || typeof job.type !== 'string') {
      res.status(400).json({ error: { code: 'BAD_JOB', message: 'expected a job envelope with id and type' } });
      return;
    }
    if (!jobs.accept(job)) {
      res.status(503).json({ error: { code: 'QUEUE_FULL', message: 'the in-process queue is full or stopping' } });
      return;
    }
    res.status(202).json({ accepted: job.id });
  });

  runService('worker', app, {
    details: { queue: address.transport, queueName },
    onStop: () => jobs.drain(),
  });
}

main().catch((error: unknown) => {
  // stderr reaches `sightline demo`, which shows it; then leave without waiting for anything else.
  logger.fatal({ err: error }, 'worker failed to start');
  process.stderr.write(`worker failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
