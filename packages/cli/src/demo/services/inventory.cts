/**
 * `inventory`: an Express 5 service that owns the stock table (PostgreSQL or in-memory).
 * `api` calls it over HTTP for the catalogue and to reserve stock for an order.
 */

import { logger, recordError } from '@sightline/node';
import express, { type NextFunction, type Request, type Response } from 'express';
import { runService } from './service-runtime.cjs';
import { openStockStore } from './stock-store.cjs';

const RESTOCK_QUANTITY = 50;

async function main(): Promise<void> {
  const store = await openStockStore(process.env.DEMO_DATABASE_URL || undefined);
  const app = express();
  app.use(express.json());

  app.get('/items', async (_req, res) => {
    const items = await store.list();
    logger.info({ count: items.length }, 'listed stock');
    res.json({ items });
  });

  app.get('/items/:sku', async (req, res) => {
    const item = await store.get(req.params.sku);
    if (!item) {
      logger.warn({ sku: req.params.sku }, 'unknown sku');
      res.status(404).json({ error: { code: 'UNKNOWN_SKU', message: `no item with sku ${req.params.sku}` } });
      return;
    }
    res.json(item);
  });

  app.post('/reservations', async (req, res) => {
    const { sku, quantity } = req.body as { sku?: unknown; quantity?: unknown };
    if (typeof sku !== 'string' || !Number.isInteger(quantity) || (quantity as number) < 1) {
      res
        .status(400)
        .json({ error: { code: 'BAD_RESERVATION', message: 'expected {"sku": string, "quantity": integer ≥ 1}' } });
      return;
    }
    const left = await store.reserve(sku, quantity as number);
    if (left === undefined) {
      // Out of stock: refuse this order and restock so the shop keeps selling.
      logger.warn({ sku, quantity }, 'out of stock; restocking');
      await store.restock(sku, RESTOCK_QUANTITY);
      res.status(409).json({ error: { code: 'OUT_OF_STOCK', message: `not enough ${sku} in stock` } });
      return;
    }
    logger.info({ sku, quantity, left }, 'stock reserved');
    res.status(201).json({ sku, quantity, left });
  });

  app.use((error: Error, req: Request, res: Response, _next: NextFunction) => {
    recordError(error);
    logger.error({ err: error, method: req.method, path: req.path }, `inventory request failed: ${error.message}`);
    res.status(500).json({ error: { code: 'INTERNAL', message: error.message } });
  });

  runService('inventory', app, { details: { database: store.description }, onStop: () => store.close() });
}

main().catch((error: unknown) => {
  // stderr reaches `sightline demo`, which shows it; then leave without waiting for anything else.
  logger.fatal({ err: error }, 'inventory failed to start');
  process.stderr.write(`inventory failed to start: ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
