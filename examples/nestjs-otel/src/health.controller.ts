import { Controller, Get, HttpException, Inject } from '@nestjs/common';
import { OrderCache } from './order-cache.js';
import { OrderStore } from './order-store.js';
import { ShutdownState } from './shutdown-state.js';

/** Liveness and readiness probes: @sightline/node traces nothing under /health* (no server or Nest handler spans). */
@Controller('health')
export class HealthController {
  constructor(
    @Inject(OrderStore) private readonly store: OrderStore,
    @Inject(OrderCache) private readonly cache: OrderCache,
    @Inject(ShutdownState) private readonly shutdown: ShutdownState,
  ) {}

  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: string }> {
    if (this.shutdown.started) throw new HttpException({ status: 'shutting-down' }, 503);
    try {
      await Promise.all([this.store.ping(), this.cache.ping()]);
      return { status: 'ok' };
    } catch (err) {
      throw new HttpException({ status: 'unavailable', reason: err instanceof Error ? err.message : String(err) }, 503);
    }
  }
}
