import { logger, withSpan } from '@sightline/node';
import type { OrderCache } from './order-cache.js';
import { ordersCreated, orderValue } from './order-metrics.js';
import type { Order, OrderInput } from './order-model.js';
import type { OrderStore } from './order-store.js';

/** The business logic: pricing, storing, caching. Framework-free, so the HTTP layer stays thin. */
export class OrderService {
  constructor(
    private readonly store: OrderStore,
    private readonly cache: OrderCache,
  ) {}

  create(input: OrderInput): Promise<Order> {
    // The one custom span: the business step, with the attributes someone debugging an order would search by.
    return withSpan('orders.create', { 'order.item_count': input.items.length }, async (span) => {
      const quantity = input.items.reduce((sum, item) => sum + item.quantity, 0);
      const totalCents = input.items.reduce((sum, item) => sum + Math.round(item.unitPrice * 100) * item.quantity, 0);
      const order = await this.store.insert(input, quantity, totalCents);
      span.setAttributes({ 'order.id': order.id, 'order.quantity': quantity, 'order.total': order.total });
      await this.cacheQuietly(order);
      ordersCreated.add(1);
      orderValue.record(order.total);
      logger.info({ orderId: order.id, total: order.total, quantity }, 'order created');
      return order;
    });
  }

  async get(id: number): Promise<Order | undefined> {
    const cached = await this.cache.get(id).catch((err: unknown) => {
      logger.warn({ err, orderId: id }, 'cache read failed, reading from the database');
      return undefined;
    });
    if (cached) {
      logger.debug({ orderId: id }, 'order served from cache');
      return cached;
    }
    const order = await this.store.findById(id);
    if (order) await this.cacheQuietly(order);
    return order;
  }

  list(limit: number): Promise<Order[]> {
    return this.store.list(limit);
  }

  private async cacheQuietly(order: Order): Promise<void> {
    try {
      await this.cache.set(order);
    } catch (err) {
      logger.warn({ err, orderId: order.id }, 'cache write failed');
    }
  }
}
