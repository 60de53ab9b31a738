import { logger, recordError, trace } from '@sightline/node';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { InvalidOrderError, parseOrderId, parseOrderInput } from './order-model.js';
import type { OrderService } from './order-service.js';

export interface Readiness {
  /** Resolves when every dependency answers; rejects with the first failure. */
  check(): Promise<void>;
  /** False once shutdown has begun, so load balancers stop sending traffic before the listener closes. */
  accepting(): boolean;
}

/** The HTTP layer: parse, call the service, map errors to status codes. No instrumentation code is needed here. */
export function createApp(orders: OrderService, readiness: Readiness): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));

  // Health endpoints are not traced by @sightline/node (it skips /health*), so probes do not flood the backend.
  app.get('/health/live', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/health/ready', async (_req, res) => {
    if (!readiness.accepting()) {
      res.status(503).json({ status: 'shutting-down' });
      return;
    }
    try {
      await readiness.check();
      res.json({ status: 'ok' });
    } catch (err) {
      res.status(503).json({ status: 'unavailable', reason: err instanceof Error ? err.message : String(err) });
    }
  });

  app.post('/orders', async (req, res) => {
    const order = await orders.create(parseOrderInput(req.body));
    res.status(201).location(`/orders/${order.id}`).json(order);
  });

  app.get('/orders', async (req, res) => {
    const limit = Math.min(Math.max(Number(req.query.limit) || 20, 1), 100);
    res.json({ orders: await orders.list(limit) });
  });

  app.get('/orders/:id', async (req, res) => {
    const id = parseOrderId(req.params.id);
    const order = await orders.get(id);
    if (!order) {
      logger.info({ orderId: id }, 'order not found');
      res.status(404).json({ error: { code: 'ORDER_NOT_FOUND', message: `order ${id} does not exist` } });
      return;
    }
    res.json(order);
  });

  app.use(errorHandler);
  return app;
}

const errorHandler: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (err instanceof InvalidOrderError || isBodyParseError(err)) {
    const message = err instanceof Error ? err.message : 'invalid request body';
    logger.warn({ method: req.method, path: req.path, reason: message }, 'rejected invalid request');
    res.status(400).json({ error: { code: 'INVALID_ORDER', message } });
    return;
  }
  // Server errors: exception event + ERROR status on the span, an error log carrying the same trace_id, and the
  // trace id in the response so a user's bug report leads straight to the trace.
  recordError(err);
  const traceId = trace.getActiveSpan()?.spanContext().traceId;
  logger.error({ err, method: req.method, path: req.path }, 'request failed');
  res.status(500).json({ error: { code: 'INTERNAL', message: 'internal error', traceId } });
};

function isBodyParseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { type?: unknown }).type === 'entity.parse.failed';
}
