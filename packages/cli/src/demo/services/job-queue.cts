/**
 * The queue between `api` and `worker`. Two transports with one shape: RabbitMQ through amqplib when a broker
 * is reachable, otherwise an in-process queue inside `worker` fed over HTTP. Either way the producer span's
 * context travels inside the message (`injectContext`) and the consumer continues it (`extractContext`), which
 * is what an application must do for any queue its instrumentation does not understand.
 */

import { randomUUID } from 'node:crypto';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractContext, histogram, injectContext, logger, recordError, upDownCounter } from '@sightline/node';
import type { Channel, ChannelModel } from 'amqplib';
import { connect } from 'amqplib';
import { callJson } from './json-client.cjs';

export interface JobEnvelope {
  id: string;
  type: string;
  payload: Record<string, unknown>;
  /** W3C trace context (traceparent, tracestate, baggage) of the span that published the job. */
  headers: Record<string, string>;
  publishedAtMs: number;
}

/** Where jobs go: `memory` (worker's in-process queue over HTTP) or `rabbitmq` (named queue on a broker). */
export interface QueueAddress {
  transport: 'memory' | 'rabbitmq';
  /** Worker base URL for `memory`, broker URL for `rabbitmq`. */
  url: string;
  queue: string;
}

const tracer = trace.getTracer('sightline-demo-queue');
const jobDuration = histogram('demo.job.duration', {
  description: 'Time to process one job',
  unit: 's',
  // Seconds, so the semantic-convention duration buckets (the SDK's defaults suit milliseconds).
  advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10] },
});
const queueDepth = upDownCounter('demo.queue.depth', {
  description: 'Jobs waiting in the in-process queue',
  unit: '{job}',
});

function messagingAttributes(address: QueueAddress, operation: 'send' | 'process', job: JobEnvelope) {
  return {
    'messaging.system': address.transport === 'rabbitmq' ? 'rabbitmq' : 'in_process',
    'messaging.destination.name': address.queue,
    'messaging.operation.type': operation,
    'messaging.operation.name': operation,
    'messaging.message.id': job.id,
    'demo.job.type': job.type,
  };
}

export interface JobPublisher {
  publish(type: string, payload: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** Publishes inside a PRODUCER span whose context rides along in the envelope's headers. */
export async function openJobPublisher(address: QueueAddress): Promise<JobPublisher> {
  let send: (job: JobEnvelope) => Promise<void>;
  let close = async () => {};
  if (address.transport === 'rabbitmq') {
    const connection = await connect(address.url);
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(address.queue, { durable: false, autoDelete: true });
    send = (job) =>
      new Promise((resolve, reject) => {
        channel.sendToQueue(address.queue, Buffer.from(JSON.stringify(job)), { messageId: job.id }, (error) =>
          error ? reject(error) : resolve(),
        );
      });
    close = async () => {
      await connection.close().catch(() => undefined);
    };
  } else {
    send = async (job) => {
      const { status } = await callJson('POST', `${address.url}/jobs`, job);
      if (status !== 202) throw new Error(`worker refused job ${job.id} with HTTP ${status}`);
    };
  }

  return {
    publish: (type, payload) => {
      const job: JobEnvelope = { id: randomUUID(), type, payload, headers: {}, publishedAtMs: Date.now() };
      return tracer.startActiveSpan(
        `send ${address.queue}`,
        { kind: SpanKind.PRODUCER, attributes: messagingAttributes(address, 'send', job) },
        async (span) => {
          try {
            job.headers = injectContext({} as Record<string, string>);
            await send(job);
            return job.id;
          } catch (error) {
            recordError(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
            throw error;
          } finally {
            span.end();
          }
        },
      );
    },
    close,
  };
}

export type JobHandler = (job: JobEnvelope) => Promise<void>;

/** Runs `handler` in a CONSUMER span that continues the publisher's trace. Never throws. */
async function processJob(address: QueueAddress, job: JobEnvelope, handler: JobHandler): Promise<boolean> {
  const parent = extractContext(job.headers ?? {});
  return context.with(parent, () =>
    tracer.startActiveSpan(
      `process ${address.queue}`,
      { kind: SpanKind.CONSUMER, attributes: messagingAttributes(address, 'process', job) },
      async (span) => {
        span.setAttribute('demo.job.queued_ms', Math.max(0, Date.now() - job.publishedAtMs));
        const started = performance.now();
        let outcome = 'success';
        try {
          await handler(job);
          return true;
        } catch (error) {
          outcome = 'failure';
          recordError(error);
          span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
          logger.error({ err: error, jobId: job.id, jobType: job.type }, `job ${job.type} failed`);
          return false;
        } finally {
          jobDuration.record((performance.now() - started) / 1000, {
            'demo.job.type': job.type,
            'demo.job.outcome': outcome,
          });
          span.end();
        }
      },
    ),
  );
}

export interface JobConsumer {
  /** For the in-process transport: accept a job delivered over HTTP; false when the queue is full. */
  accept(job: JobEnvelope): boolean;
  /** Stops taking jobs and waits for the ones already taken. */
  drain(): Promise<void>;
}

const MEMORY_QUEUE_LIMIT = 1_000;

/** In-process queue: bounded, processed a few at a time, so a burst queues instead of piling up work. */
function memoryConsumer(address: QueueAddress, handler: JobHandler, concurrency: number): JobConsumer {
  const waiting: JobEnvelope[] = [];
  let running = 0;
  let idle: (() => void) | undefined;
  const pump = () => {
    while (running < concurrency && waiting.length > 0) {
      const job = waiting.shift() as JobEnvelope;
      queueDepth.add(-1, { 'messaging.destination.name': address.queue });
      running += 1;
      void processJob(address, job, handler).finally(() => {
        running -= 1;
        if (running === 0 && waiting.length === 0) idle?.();
        pump();
      });
    }
  };
  let open = true;
  return {
    accept(job) {
      if (!open || waiting.length >= MEMORY_QUEUE_LIMIT) return false;
      waiting.push(job);
      queueDepth.add(1, { 'messaging.destination.name': address.queue });
      setImmediate(pump);
      return true;
    },
    drain() {
      open = false;
      if (running === 0 && waiting.length === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        idle = resolve;
      });
    },
  };
}

async function rabbitConsumer(address: QueueAddress, handler: JobHandler, concurrency: number): Promise<JobConsumer> {
  const connection: ChannelModel = await connect(address.url);
  const channel: Channel = await connection.createChannel();
  await channel.assertQueue(address.queue, { durable: false, autoDelete: true });
  await channel.prefetch(concurrency);
  let inFlight = 0;
  let idle: (() => void) | undefined;
  const { consumerTag } = await channel.consume(address.queue, (message) => {
    if (!message) return;
    inFlight += 1;
    let job: JobEnvelope;
    try {
      job = JSON.parse(message.content.toString('utf8')) as JobEnvelope;
    } catch (error) {
      logger.error({ err: error }, 'dropping a message that is not a JSON job envelope');
      channel.nack(message, false, false);
      inFlight -= 1;
      return;
    }
    void processJob(address, job, handler).then((ok) => {
      if (ok) channel.ack(message);
      else channel.nack(message, false, false);
      inFlight -= 1;
      if (inFlight === 0) idle?.();
    });
  });
  return {
    accept: () => false,
    async drain() {
      await channel.cancel(consumerTag).catch(() => undefined);
      if (inFlight > 0) await new Promise<void>((resolve) => (idle = resolve));
      await connection.close().catch(() => undefined);
    },
  };
}

/** Starts consuming `address` with `handler`; the in-process transport is used when RabbitMQ is not. */
export async function startJobConsumer(
  address: QueueAddress,
  handler: JobHandler,
  concurrency = 4,
): Promise<JobConsumer> {
  return address.transport === 'rabbitmq'
    ? rabbitConsumer(address, handler, concurrency)
    : memoryConsumer(address, handler, concurrency);
}
