import { type Logger, logger, recordError, trace } from '@sightline/node';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { InvalidOrderError, parseOrderId, parseOrderInput } from './order-model.js';
import type { OrderService } from './order-service.js';

export interface Readiness {
  check(): Promise<void>;
  accepting(): boolean;
}

/** The HTTP layer on Fastify 5: the same routes and status codes as the Express example. */
export type OrdersApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  Logger
>;

export function createApp(orders: OrderService, readiness: Readiness): OrdersApp {
  // Fastify logs through the @sightline/node pino logger, so `request.log` lines carry trace_id/span_id too.
  // Per-request access logs are left to the HTTP server span, which already holds method, route, status and duration.
  const app = Fastify({ loggerInstance: logger, disableRequestLogging: true, bodyLimit: 100 * 1024 });

  app.get('/health/live', async () => ({ status: 'ok' }));
  app.get('/health/ready', async (_request, reply) => {
    if (!readiness.accepting()) return reply.code(503).send({ status: 'shutting-down' });
    try {
      await readiness.check();
      return { status: 'ok' };
    } catch (err) {
      return reply.code(503).send({ status: 'unavailable', reason: err instanceof Error ? err.message : String(err) });
    }
  });

  app.post('/orders', async (request, reply) => {
    const order = await orders.create(parseOrderInput(request.body));
    return reply.code(201).header('location', `/orders/${order.id}`).send(order);
  });

  app.get<{ Querystring: { limit?: string } }>('/orders', async (request) => {
    const limit = Math.min(Math.max(Number(request.query.limit) || 20, 1), 100);
    return { orders: await orders.list(limit) };
  });

  app.get<{ Params: { id: string } }>('/orders/:id', async (request, reply) => {
    const id = parseOrderId(request.params.id);
    const order = await orders.get(id);
    if (!order) {
      request.log.info({ orderId: id }, 'order not found');
      return reply.code(404).send({ error: { code: 'ORDER_NOT_FOUND', message: `order ${id} does not exist` } });
    }
    return order;
  });

  app.setErrorHandler<FastifyError>((err, request, reply) => {
    const status = typeof err.statusCode === 'number' ? err.statusCode : 500;
    if (err instanceof InvalidOrderError || (status >= 400 && status < 500)) {
      request.log.warn({ method: request.method, path: request.url, reason: err.message }, 'rejected invalid request');
      return reply
        .code(err instanceof InvalidOrderError ? 400 : status)
        .send({ error: { code: 'INVALID_ORDER', message: err.message } });
    }
    recordError(err);
    request.log.error({ err, method: request.method, path: request.url }, 'request failed');
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error', traceId } });
  });
  return app;
}
