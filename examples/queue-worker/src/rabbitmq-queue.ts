import { trace } from '@opentelemetry/api';
import amqp from 'amqplib';
import type { QueueConfig } from './config.js';
import { encodeJob, type Job } from './job-model.js';
import type { JobHandler, JobQueue } from './job-queue.js';

/**
 * Jobs over RabbitMQ. Tracing needs no code here: @sightline/node's amqplib instrumentation creates the PRODUCER span
 * on publish, writes `traceparent` into the message headers and continues the trace in a CONSUMER span around the
 * handler. Poison messages are rejected without requeue and RabbitMQ moves them to the dead-letter queue.
 */
export class RabbitJobQueue implements JobQueue {
  #consumerTag: string | undefined;
  #inFlight: Promise<void> = Promise.resolve();

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
    private readonly config: QueueConfig,
  ) {}

  static async connect(config: QueueConfig): Promise<RabbitJobQueue> {
    const connection = await amqp.connect(config.amqpUrl);
    connection.on('error', () => {});
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(config.deadLetterQueue, { durable: true });
    await channel.assertQueue(config.queue, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: config.deadLetterQueue,
    });
    return new RabbitJobQueue(connection, channel, config);
  }

  async publish(job: Job): Promise<void> {
    this.channel.sendToQueue(this.config.queue, encodeJob(job), {
      messageId: job.id,
      type: job.kind,
      contentType: 'application/json',
      persistent: true,
    });
    // Publisher confirms: the api answers 202 only once the broker has the job.
    await this.channel.waitForConfirms();
  }

  async consume(handler: JobHandler): Promise<void> {
    await this.channel.prefetch(1);
    const { consumerTag } = await this.channel.consume(this.config.queue, (message) => {
      if (!message) return;
      this.#inFlight = this.#handle(message, handler);
    });
    this.#consumerTag = consumerTag;
  }

  async #handle(message: amqp.ConsumeMessage, handler: JobHandler): Promise<void> {
    // The instrumentation's consumer span is active here; add the current messaging semantic-convention attributes.
    trace.getActiveSpan()?.setAttributes({
      'messaging.system': 'rabbitmq',
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': this.config.queue,
      'messaging.message.id': String(message.properties.messageId ?? ''),
      'messaging.message.body.size': message.content.length,
    });
    try {
      await handler(message.content);
      this.channel.ack(message);
    } catch {
      this.channel.nack(message, false, false);
    }
  }

  async close(): Promise<void> {
    if (this.#consumerTag) await this.channel.cancel(this.#consumerTag);
    await this.#inFlight;
    await this.channel.close();
    await this.connection.close();
  }
}
