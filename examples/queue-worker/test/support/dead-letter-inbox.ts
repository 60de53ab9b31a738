import amqp from 'amqplib';
import { connect, type NatsConnection } from 'nats';

export interface DeadLetter {
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

/** Reads what landed in the dead-letter queue (RabbitMQ) or on the dead-letter subject (NATS), as the test's own client. */
export interface DeadLetterInbox {
  /** Waits until `count` dead letters have arrived, then returns them. */
  take(count: number, timeoutMs?: number): Promise<DeadLetter[]>;
  /** Deletes the run's queues (RabbitMQ) and closes the connection. */
  close(): Promise<void>;
}

export async function rabbitInbox(url: string, queue: string): Promise<DeadLetterInbox> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  return {
    async take(count, timeoutMs = 20_000) {
      const letters: DeadLetter[] = [];
      const deadline = Date.now() + timeoutMs;
      while (letters.length < count && Date.now() < deadline) {
        const message = await channel.get(`${queue}.dead`, { noAck: true }).catch(() => false as const);
        if (message) {
          letters.push({
            body: JSON.parse(message.content.toString('utf8')) as Record<string, unknown>,
            headers: Object.fromEntries(
              Object.entries(message.properties.headers ?? {}).map(([k, v]) => [k, String(v)]),
            ),
          });
        } else {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      return letters;
    },
    async close() {
      await channel.deleteQueue(queue).catch(() => {});
      await channel.deleteQueue(`${queue}.dead`).catch(() => {});
      await connection.close();
    },
  };
}

export async function natsInbox(url: string, subject: string): Promise<DeadLetterInbox> {
  const connection: NatsConnection = await connect({ servers: url });
  const letters: DeadLetter[] = [];
  const subscription = connection.subscribe(`${subject}.dead`, {
    callback: (_err, message) => {
      const headers: Record<string, string> = {};
      for (const key of message.headers?.keys() ?? []) headers[key] = message.headers?.get(key) ?? '';
      letters.push({
        body: JSON.parse(Buffer.from(message.data).toString('utf8')) as Record<string, unknown>,
        headers,
      });
    },
  });
  await connection.flush();
  return {
    async take(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (letters.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      return [...letters];
    },
    async close() {
      subscription.unsubscribe();
      await connection.close();
    },
  };
}
