import type { QueueConfig } from './config.js';
import type { Job } from './job-model.js';

/**
 * What both processes need from a broker. The handler resolving acknowledges the message; the handler throwing
 * sends it to the dead-letter queue (never back to the queue: a poison message would loop forever).
 */
export interface JobQueue {
  publish(job: Job): Promise<void>;
  consume(handler: JobHandler): Promise<void>;
  /** Stop consuming, let the message in hand finish, close the connection. */
  close(): Promise<void>;
}

/** Called with the raw body, so that undecodable messages are dead-lettered like any other poison message. */
export type JobHandler = (body: Uint8Array) => Promise<void>;

export async function openJobQueue(config: QueueConfig): Promise<JobQueue> {
  if (config.transport === 'nats') {
    const { NatsJobQueue } = await import('./nats-queue.js');
    return NatsJobQueue.connect(config);
  }
  const { RabbitJobQueue } = await import('./rabbitmq-queue.js');
  return RabbitJobQueue.connect(config);
}
