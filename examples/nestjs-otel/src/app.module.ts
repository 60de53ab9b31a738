import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { logger } from '@sightline/node';
import { AllExceptionsFilter } from './all-exceptions.filter.js';
import { type OrdersConfig, readConfig } from './config.js';
import { HealthController } from './health.controller.js';
import { OrderCache } from './order-cache.js';
import { OrderService } from './order-service.js';
import { OrderStore } from './order-store.js';
import { OrdersController } from './orders.controller.js';
import { ShutdownState } from './shutdown-state.js';

export const CONFIG = Symbol('OrdersConfig');

@Module({
  controllers: [OrdersController, HealthController],
  providers: [
    { provide: CONFIG, useFactory: readConfig },
    {
      provide: OrderStore,
      inject: [CONFIG],
      useFactory: (c: OrdersConfig) => new OrderStore(c.databaseUrl, c.ordersTable),
    },
    {
      provide: OrderCache,
      inject: [CONFIG],
      useFactory: (c: OrdersConfig) => new OrderCache(c.redisUrl, c.cachePrefix, c.cacheTtlSeconds),
    },
    {
      provide: OrderService,
      inject: [OrderStore, OrderCache],
      useFactory: (s: OrderStore, c: OrderCache) => new OrderService(s, c),
    },
    { provide: APP_FILTER, useClass: AllExceptionsFilter },
    ShutdownState,
  ],
})
export class AppModule implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(CONFIG) private readonly config: OrdersConfig,
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(OrderCache) private readonly cache: OrderCache,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.store.migrate();
    await this.cache.connect();
    logger.info({ table: this.config.ordersTable }, 'database migrated, cache connected');
  }

  // Runs after the HTTP server has stopped accepting and answered in-flight requests.
  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.store.close(), this.cache.close()]);
    logger.info('shut down cleanly');
  }
}
