import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { logger } from '@sightline/node';
import { AppModule, CONFIG } from './app.module.js';
import type { OrdersConfig } from './config.js';
import { PinoNestLogger } from './pino-nest-logger.js';

// Started as `node --import @sightline/node/register dist/server.js`: that flag is the whole telemetry setup.
async function main(): Promise<void> {
  const app = await NestFactory.create(AppModule, { logger: new PinoNestLogger(), bodyParser: true });
  app.getHttpAdapter().getInstance().disable('x-powered-by');
  // SIGTERM/SIGINT → stop accepting, finish in-flight requests, run onApplicationShutdown (pool and Redis close).
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  const config = app.get<OrdersConfig>(CONFIG);
  await app.listen(config.port, config.host);
  const { port } = app.getHttpServer().address() as AddressInfo;
  logger.info({ address: `http://${config.host}:${port}` }, 'orders api listening');
}

main().catch((err: unknown) => {
  logger.fatal({ err }, 'orders api failed to start');
  process.exitCode = 1;
});
