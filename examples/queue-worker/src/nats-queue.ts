import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractContext, injectContext } from '@sightline/node';
import { connect, headers, type MsgHdrs, type NatsConnection } from 'nats';
import type { QueueConfig } from './config.js';
import { encodeJob, type Job } from './job-model.js';
import type { JobHandler, JobQueue } from './job-queue.js';

const tracer = trace.getTracer('queue-worker-nats');
const PROPAGATED = ['traceparent', 'tracestate', 'baggage'];

/**
 * Jobs over NATS, instrumented by hand because there is no NATS auto-instrumentation: a PRODUCER span whose context
 * travels in the message headers (`injectContext`), and a CONSUMER span in the worker that continues it
 * (`extractContext`). Core NATS has no dead-letter queue, so the worker republishes poison messages to
 * `<subject>.dead` with the original headers and an `error` header.
 */
export class NatsJobQueue implements JobQueue {
  #loop: Promise<void> = Promise.resolve();

  private constructor(
    private readonly connection: NatsConnection,
    private readonly config: QueueConfig,
  ) {}

  static async connect(config: QueueConfig): Promise<NatsJobQueue> {
    return new NatsJobQueue(await connect({ servers: config.natsUrl, name: 'queue-worker' }), config);
  }

  async publish(job: Job): Promise<void> {
    const body = encodeJob(job);
    await tracer.startActiveSpan(
      `publish ${this.config.queue}`,
      { kind: SpanKind.PRODUCER, attributes: this.#attributes('publish', 'send', job.id, body.length) },
      async (span) => {
        try {
          const carrier: Record<string, string> = {};
          injectContext(carrier);
          const natsHeaders = headers();
          for (const [key, value] of Object.entries(carrier)) natsHeaders.set(key, value);
          this.connection.publish(this.config.queue, body, { headers: natsHeaders });
          // Round trip to the server: the api answers 202 only once NATS has the message.
          await this.connection.flush();
        } catch (err) {
          failSpan(span, err);
          throw err;
        } finally {
          span.end();
        }
      },
    );
  }

  async consume(handler: JobHandler): Promise<void> {
    const subscription = this.connection.subscribe(this.config.queue, { queue: 'workers' });
    this.#loop = (async () => {
      for await (const message of subscription) {
        const parent = extractContext(readCarrier(message.headers));
        const attributes = this.#attributes('process', 'process', readMessageId(message.data), message.data.length);
        attributes['messaging.consumer.group.name'] = 'workers';
        const span = tracer.startSpan(`process ${this.config.queue}`, { kind: SpanKind.CONSUMER, attributes }, parent);
        try {
          await context.with(trace.setSpan(parent, span), () => handler(message.data));
        } catch (err) {
          // The worker's handler already recorded the exception on this span and logged it; mark the outcome only.
          span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
          const deadHeaders = headers();
          for (const key of PROPAGATED) {
            const value = message.headers?.get(key);
            if (value) deadHeaders.set(key, value);
          }
          deadHeaders.set('error', err instanceof Error ? err.message : String(err));
          this.connection.publish(this.config.deadLetterQueue, message.data, { headers: deadHeaders });
        } finally {
          span.end();
        }
      }
    })();
  }

  #attributes(operation: string, type: string, messageId: string, size: number): Record<string, string | number> {
    return {
      'messaging.system': 'nats',
      'messaging.operation.name': operation,
      'messaging.operation.type': type,
      'messaging.destination.name': this.config.queue,
      'messaging.message.id': messageId,
      'messaging.message.body.size': size,
    };
  }

  async close(): Promise<void> {
    // drain(): stop receiving, finish what was delivered, flush publishes (dead letters included), then close.
    await this.connection.drain();
    await this.#loop;
  }
}

function readCarrier(natsHeaders: MsgHdrs | undefined): Record<string, string> {
  const carrier: Record<string, string> = {};
  for (const key of PROPAGATED) {
    const value = natsHeaders?.get(key);
    if (value) carrier[key] = value;
  }
  return carrier;
}

function readMessageId(data: Uint8Array): string {
  try {
    const { id } = JSON.parse(Buffer.from(data).toString('utf8')) as { id?: unknown };
    return typeof id === 'string' ? id : '';
  } catch {
    return '';
  }
}

function failSpan(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : String(err));
  span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) });
}
