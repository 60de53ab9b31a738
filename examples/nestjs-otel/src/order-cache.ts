import { Redis } from 'ioredis';
import type { Order } from './order-model.js';

/** Read-through cache of orders by id in Redis. A cache outage degrades to database reads, never to failed requests. */
export class OrderCache {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttlSeconds: number;

  constructor(url: string, prefix: string, ttlSeconds: number) {
    // Fail fast instead of queueing commands while Redis is down: a slow cache is worse than none.
    this.#redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: true });
    this.#redis.on('error', () => {});
    this.#prefix = prefix;
    this.#ttlSeconds = ttlSeconds;
  }

  connect(): Promise<void> {
    return this.#redis.connect();
  }

  async get(id: number): Promise<Order | undefined> {
    const cached = await this.#redis.get(this.#prefix + id);
    return cached === null ? undefined : (JSON.parse(cached) as Order);
  }

  async set(order: Order): Promise<void> {
    await this.#redis.set(this.#prefix + order.id, JSON.stringify(order), 'EX', this.#ttlSeconds);
  }

  async ping(): Promise<void> {
    await this.#redis.ping();
  }

  async close(): Promise<void> {
    await this.#redis.quit();
  }
}
