import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import type * as grpc from '@grpc/grpc-js';
import { type ApiContext, createApiServer } from './api-server.js';
import { DecodePool } from './decode-pool.js';
import { SightlineError } from './errors.js';
import { Forwarder } from './forwarder.js';
import { IngestQueue } from './ingest-queue.js';
import { resolveOptions, type ServerOptions } from './options.js';
import { bindGrpc, createOtlpGrpcServer } from './otlp-grpc-receiver.js';
import { createOtlpHttpServer } from './otlp-http-receiver.js';
import { createIngestor } from './otlp-ingest.js';
import { openStore, type Store } from './store.js';

export interface RunningServer {
  otlpGrpcUrl: string;
  otlpHttpUrl: string;
  apiUrl: string;
  ports: { otlpGrpc: number; otlpHttp: number; api: number };
  dataDir: string;
  /** The open store (queries run against the live data). */
  store: Store;
  /** Rows committed since start, and forwarder counters when --forward is set. */
  stats(): { committed: { spans: number; logs: number; points: number }; forward?: Forwarder['stats'] };
  /** Stops accepting, commits every in-flight batch, closes the store. */
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function portInUse(port: number, host: string, flag: string): SightlineError {
  return new SightlineError(
    'SIGHTLINE_ERR_PORT_IN_USE',
    `port ${port} on ${host} is already in use; stop the other process or choose another port with ${flag}`,
  );
}

function listen(server: HttpServer, host: string, port: number, flag: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? portInUse(port, host, flag)
          : new SightlineError('SIGHTLINE_ERR_LISTEN', `cannot listen on ${host}:${port} (${flag}): ${err.message}`),
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeHttp(server: HttpServer, graceMs: number): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    // Keep-alive connections become idle as their in-flight requests are answered; close them as they do.
    const idle = setInterval(() => server.closeIdleConnections(), 20);
    server.close(() => {
      clearTimeout(timer);
      clearInterval(idle);
      resolve();
    });
    server.closeIdleConnections();
  });
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host);

/** Starts the OTLP receivers (gRPC + HTTP), the store and the query API/UI. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const o = resolveOptions(options);
  if (!LOOPBACK.has(o.host) && !o.token) {
    o.onWarning(
      `!!! sightline is listening on ${o.host} WITHOUT a token: anyone who can reach this address can send and read telemetry. Use --token or bind 127.0.0.1.`,
    );
  }
  const store = await openStore(o.dataDir);
  const queue = new IngestQueue(store, o.maxQueuedRows);
  const forwarder = o.forward ? new Forwarder(o.forward, { onWarning: o.onWarning }) : undefined;
  const pool = DecodePool.create(Math.min(2, availableParallelism()));
  const ingestor = createIngestor(queue, o.retentionMs, forwarder, pool);
  const otlpHttp = createOtlpHttpServer(ingestor, { maxBodyBytes: o.maxBodyBytes, token: o.token });
  const apiContext: ApiContext = { store, queue, token: o.token, uiDir: o.uiDir };
  const api = createApiServer(apiContext);
  let grpcServer: grpc.Server | undefined;
  const sweep = async () => {
    try {
      await store.applyRetention(o.retentionMs);
    } catch (e) {
      o.onWarning(`retention sweep failed: ${(e as Error).message}`);
    }
  };
  let retentionTimer: NodeJS.Timeout | undefined;
  try {
    await sweep();
    grpcServer = createOtlpGrpcServer(ingestor, { maxBodyBytes: o.maxBodyBytes, token: o.token });
    const grpcPort = await bindGrpc(grpcServer, o.host, o.otlpGrpcPort).catch((e: Error) => {
      throw /EADDRINUSE|in use|No address added/i.test(e.message)
        ? portInUse(o.otlpGrpcPort, o.host, '--otlp-grpc-port')
        : new SightlineError(
            'SIGHTLINE_ERR_LISTEN',
            `cannot listen on ${o.host}:${o.otlpGrpcPort} (--otlp-grpc-port): ${e.message}`,
          );
    });
    const httpPort = await listen(otlpHttp, o.host, o.otlpHttpPort, '--otlp-http-port');
    const apiPort = await listen(api, o.host, o.port, '--port');
    retentionTimer = setInterval(() => void sweep(), Math.min(60_000, o.retentionMs / 10));
    retentionTimer.unref();
    const h = urlHost(o.host);
    apiContext.otlp = { grpc: `http://${h}:${grpcPort}`, http: `http://${h}:${httpPort}` };
    let closing: Promise<void> | undefined;
    return {
      otlpGrpcUrl: `http://${h}:${grpcPort}`,
      otlpHttpUrl: `http://${h}:${httpPort}`,
      apiUrl: `http://${h}:${apiPort}`,
      ports: { otlpGrpc: grpcPort, otlpHttp: httpPort, api: apiPort },
      dataDir: o.dataDir,
      store,
      stats: () => ({ committed: { ...queue.committed }, ...(forwarder ? { forward: { ...forwarder.stats } } : {}) }),
      close() {
        closing ??= (async () => {
          clearInterval(retentionTimer);
          const g = grpcServer!;
          const grpcDone = new Promise<void>((resolve) => g.tryShutdown(() => resolve()));
          await Promise.all([closeHttp(otlpHttp, 10_000), closeHttp(api, 100), grpcDone]);
          await queue.close();
          await pool?.close();
          await forwarder?.close();
          await store.close();
        })();
        return closing;
      },
    };
  } catch (e) {
    clearInterval(retentionTimer);
    grpcServer?.forceShutdown();
    await pool?.close();
    await Promise.all([closeHttp(otlpHttp, 0), closeHttp(api, 0)]);
    await store.close();
    throw e;
  }
}
