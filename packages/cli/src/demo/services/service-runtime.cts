/**
 * What every demo service shares: listen on an ephemeral loopback port, tell the parent `sightline demo`
 * which one (IPC), and on SIGTERM/SIGINT — or when the parent goes away — stop taking requests, finish
 * in-flight work, flush telemetry and exit 0.
 */

import type { RequestListener } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { metrics, trace } from '@opentelemetry/api';
import { logs } from '@opentelemetry/api-logs';
import { logger } from '@sightline/node';

/** Message a service sends to the parent once it accepts requests. */
export interface ServiceListening {
  type: 'listening';
  port: number;
  /** Free-form facts the parent prints or passes on (e.g. which queue transport the worker uses). */
  details: Record<string, string>;
}

const FLUSH_DEADLINE_MS = 5_000;

interface Flushable {
  forceFlush?: () => Promise<unknown>;
  /** The API's proxy providers: traces name it getDelegate, logs _getDelegate. */
  getDelegate?: () => unknown;
  _getDelegate?: () => unknown;
}

/** Flushes whichever global providers the SDK registered; bounded so shutdown never hangs. */
async function flushTelemetry(): Promise<void> {
  const providers = [trace.getTracerProvider(), logs.getLoggerProvider(), metrics.getMeterProvider()] as Flushable[];
  const flushes = providers.map((provider) => {
    const target = (provider.getDelegate?.() ?? provider._getDelegate?.() ?? provider) as Flushable;
    return typeof target.forceFlush === 'function' ? target.forceFlush().catch(() => undefined) : undefined;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise((resolve) => {
    timer = setTimeout(resolve, FLUSH_DEADLINE_MS);
  });
  await Promise.race([Promise.all(flushes), deadline]);
  clearTimeout(timer);
}

/** Starts `handler` on 127.0.0.1:0 and wires graceful shutdown; `onStop` drains the service's own work. */
export function runService(
  name: string,
  handler: RequestListener,
  options: { details?: Record<string, string>; onStop?: () => Promise<void> } = {},
): void {
  const server = createServer(handler);
  server.keepAliveTimeout = 2_000;
  let stopping = false;

  const stop = async (reason: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, `${name} stopping`);
    // Requests in flight finish first (bounded), then the service's own work drains, then telemetry flushes.
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((resolve) => (timer = setTimeout(resolve, 3_000)))]);
    clearTimeout(timer);
    server.closeAllConnections();
    await options.onStop?.().catch((error: unknown) => logger.error({ err: error }, `${name} failed to drain`));
    await flushTelemetry();
    process.exit(0);
  };

  process.once('SIGTERM', () => void stop('SIGTERM'));
  // Under `sightline demo` the parent stops us in order (traffic, then api, then the rest) with SIGTERM and we
  // run in our own process group; should a SIGINT still arrive we wait for that. Run alone, Ctrl-C stops us.
  process.on('SIGINT', () => {
    if (!process.connected) void stop('SIGINT');
  });
  // The parent owns our lifetime: if it dies (even by SIGKILL) the IPC channel closes and we leave too.
  process.once('disconnect', () => void stop('parent exited'));

  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ port }, `${name} listening on http://127.0.0.1:${port}`);
    const message: ServiceListening = { type: 'listening', port, details: options.details ?? {} };
    process.send?.(message);
  });
}
