import { trace } from '@opentelemetry/api';
import { logger } from '@sightline/node';
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
  #closing = false;

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
    private readonly config: QueueConfig,
  ) {}

  static async connect(config: QueueConfig): Promise<RabbitJobQueue> {
    // A connection name operators can find in the RabbitMQ UI / `rabbitmqctl list_connections user_provided_name`.
    const connectionName = `queue-worker ${config.queue} pid ${process.pid}`;
    const connection = await amqp.connect(config.amqpUrl, { clientProperties: { connection_name: connectionName } });
    connection.on('error', () => {});
    const channel = await connection.createConfirmChannel();
    await channel.assertQueue(config.deadLetterQueue, { durable: true });
    await channel.assertQueue(config.queue, {
      durable: true,
      deadLetterExchange: '',
      deadLetterRoutingKey: config.deadLetterQueue,
    });
    const queue = new RabbitJobQueue(connection, channel, config);
    // No silent zombie: a lost broker connection ends the process through its normal SIGTERM shutdown (exit code 1),
    // so the orchestrator restarts it and it reconnects; unacknowledged messages are redelivered.
    connection.on('close', () => {
      if (queue.#closing) return;
      logger.error({ amqpUrl: config.amqpUrl.replace(/\/\/[^@]*@/, '//') }, 'RabbitMQ connection lost, shutting down');
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
    return queue;
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
    let ok = false;
    try {
      await handler(message.content);
      ok = true;
    } catch {
      // The handler has recorded and logged the failure; here only the broker is told: dead-letter, no requeue.
    }
    try {
      if (ok) this.channel.ack(message);
      else this.channel.nack(message, false, false);
    } catch (err) {
      // Channel gone (broker restart): the message is unacknowledged, so RabbitMQ redelivers it to the next worker.
      logger.warn(
        { err, messageId: message.properties.messageId },
        'could not settle the message; it will be redelivered',
      );
    }
  }

  async close(): Promise<void> {
    this.#closing = true;
    if (this.#consumerTag) await this.channel.cancel(this.#consumerTag);
    await this.#inFlight;
    await this.channel.close();
    await this.connection.close();
  }
}
