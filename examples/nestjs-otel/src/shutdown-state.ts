import { type BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { logger } from '@sightline/node';

/** Flips readiness to 503 as soon as Nest begins shutting down (SIGTERM via enableShutdownHooks). */
@Injectable()
export class ShutdownState implements BeforeApplicationShutdown {
  started = false;

  beforeApplicationShutdown(signal?: string): void {
    this.started = true;
    logger.info({ signal }, 'shutting down');
  }
}
