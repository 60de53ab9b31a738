/**
 * `api`: the Express 5 front door of the demo shop. It calls `inventory` over HTTP, publishes jobs for
 * `worker`, prices orders in a custom span, and has one endpoint that fails sometimes and one that is
 * slow sometimes, so every kind of signal shows up in Sightline.
 */
import { trace } from '@opentelemetry/api';
import { counter, logger, recordError, withSpan } from '@sightline/node';
import express, { type NextFunction, type Request, type Response } from 'express';
import { openJobPublisher, type QueueAddress } from './job-queue.cjs';
import { callJson } from './json-client.cjs';
import { runService } from './service-runtime.cjs';

interface StockItem {
  sku: string;
  name: string;
  priceCents: number;
  stock: number;
}

const ordersPlaced = counter('demo.orders.placed', { description: 'Orders accepted by api', unit: '{order}' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`api needs the environment variable ${name}`);
  return value;
}

/** Prices an order in a custom span: the attributes and the event show up in the span detail panel. */
function priceOrder(item: StockItem, quantity: number): number {
  return withSpan('price order', { 'demo.order.sku': item.sku, 'demo.order.quantity': quantity }, () => {
    const subtotal = item.priceCents * quantity;
    const discount = quantity >= 3 ? Math.round(subtotal * 0.1) : 0;
    if (discount > 0) trace.getActiveSpan()?.addEvent('bulk discount applied', { 'demo.discount_cents': discount });
    trace.getActiveSpan()?.setAttribute('demo.order.total_cents', subtotal - discount);
    return subtotal - discount;
  });
}

async function main(): Promise<void> {
  const inventoryUrl = requiredEnv('DEMO_INVENTORY_URL');
  const queue: QueueAddress = {
    transport: process.env.DEMO_QUEUE_TRANSPORT === 'rabbitmq' ? 'rabbitmq' : 'memory',
    url: requiredEnv('DEMO_QUEUE_URL'),
    queue: requiredEnv('DEMO_QUEUE_NAME'),
  };
  const jobs = await openJobPublisher(queue);
  const app = express();
  app.use(express.json());

  app.get('/products', async (_req, res) => {
    const { status, body } = await callJson<{ items: StockItem[] }>('GET', `${inventoryUrl}/items`);
    if (status !== 200) throw new HttpError(502, 'INVENTORY_UNAVAILABLE', `inventory answered ${status}`);
    logger.info({ count: body.items.length }, 'listed products');
    res.json(body.items);
  });

  app.post('/orders', async (req, res) => {
    const { sku, quantity = 1 } = req.body as { sku?: unknown; quantity?: unknown };
    if (typeof sku !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new HttpError(400, 'BAD_ORDER', 'expected {"sku": string, "quantity": integer ≥ 1}');
    }
    const item = await callJson<StockItem>('GET', `${inventoryUrl}/items/${encodeURIComponent(sku)}`);
    if (item.status === 404) throw new HttpError(404, 'UNKNOWN_SKU', `no product with sku ${sku}`);
    const totalCents = priceOrder(item.body, quantity as number);
    const reservation = await callJson('POST', `${inventoryUrl}/reservations`, { sku, quantity });
    if (reservation.status === 409) {
      logger.warn({ sku, quantity }, 'order refused: out of stock');
      res.status(409).json({ error: { code: 'OUT_OF_STOCK', message: `${sku} is out of stock, try again` } });
      return;
    }
    const orderId = `ord_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const jobId = await jobs.publish('order.created', { orderId, sku, quantity, totalCents });
    ordersPlaced.add(1, { 'demo.order.sku': sku });
    logger.info({ orderId, sku, quantity, totalCents, jobId }, 'order placed');
    res.status(201).json({ orderId, totalCents });
  });

  // Slow sometimes: one ranking in five takes most of a second.
  app.get('/recommendations', async (_req, res) => {
    const slow = Math.random() < 0.2;
    const started = performance.now();
    const picks = await withSpan('rank recommendations', { 'demo.ranking.slow_path': slow }, async () => {
      await sleep(slow ? 400 + Math.random() * 800 : 5 + Math.random() * 25);
      return ['lamp-01', 'pen-03', 'note-04'].sort(() => Math.random() - 0.5).slice(0, 2);
    });
    const tookMs = Math.round(performance.now() - started);
    if (slow) logger.warn({ tookMs }, 'recommendations were slow: ranking cache missed');
    else logger.info({ tookMs, picks }, 'recommendations served');
    res.json({ picks });
  });

  // Fails sometimes: the payment processor declines one request in five.
  app.post('/payments', async (req, res) => {
    const { amountCents = 1000 } = req.body as { amountCents?: number };
    await sleep(5 + Math.random() * 20);
    if (Math.random() < 0.2) {
      throw new HttpError(502, 'PAYMENT_DECLINED', `payment processor declined ${amountCents} cents: gateway timeout`);
    }
    logger.info({ amountCents }, 'payment captured');
    res.status(201).json({ status: 'captured', amountCents });
  });

  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    const status = error instanceof HttpError ? error.status : 500;
    const code = error instanceof HttpError ? error.code : 'INTERNAL';
    if (status >= 500) {
      recordError(error);
      logger.error({ err: error, method: req.method, path: req.path }, `request failed: ${error.message}`);
    } else {
      logger.warn({ method: req.method, path: req.path, code }, error.message);
    }
    res.status(status).json({ error: { code, message: error.message } });
  });

  runService('api', app, { onStop: () => jobs.close() });
}

main().catch((error: unknown) => {
  // stderr reaches `sightline demo`, which shows it; then leave without waiting for anything else.
  logger.fatal({ err: error }, 'api failed to start');
  process.stderr.write(`api failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
