// OTLP/gRPC: one unary Export call per batch on a plain grpc-js Client, with the already-encoded request as the
// message (identity serializers), headers as metadata, the remaining export time as deadline and gzip as the
// channel's default compression. grpc-js is required on the first export only (it is heavy to load). Its idle
// HTTP/2 session is unref'd by grpc-js, so an idle exporter does not keep the process alive.
import { isIP } from 'node:net';
import type * as grpcTypes from '@grpc/grpc-js';
import { retryDelayFromStatusDetails } from './export-response.js';
import { ExportError } from './retry.js';
import type { TlsFiles } from './tls-files.js';
import { USER_AGENT } from './user-agent.js';

export const GRPC_PATHS = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
} as const;

// grpc status codes (numbers, so grpc-js need not be loaded to name them).
const CANCELLED = 1;
const DEADLINE_EXCEEDED = 4;
const RESOURCE_EXHAUSTED = 8;
const ABORTED = 10;
const OUT_OF_RANGE = 11;
const UNAVAILABLE = 14;
const DATA_LOSS = 15;
/** Transient per the OTLP specification; RESOURCE_EXHAUSTED only when the server says when to come back. */
const RETRYABLE = new Set([CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE, UNAVAILABLE, DATA_LOSS]);
const GZIP = 2;

export interface GrpcTransportOptions {
  url: string;
  path: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** Private CA and client certificate for https:// endpoints. */
  tls?: TlsFiles;
}

const identity = (b: Buffer): Buffer => b;

type ConnectorWithOptions = { connectionOptions?: { servername?: string } };

/**
 * grpc-js sends the target's host as the TLS server name (SNI) even when it is an IP address, which RFC 6066 forbids:
 * Node warned about it (DEP0123) and Node 26 refuses the connection (ERR_INVALID_ARG_VALUE), so an https:// endpoint
 * given by IP address could not be reached over gRPC there (grpc/grpc-node#1919). For such a target the name is left
 * out, as Node's own https does; the certificate is still checked against the address (tls.connect's `host`). If a
 * later grpc-js keeps its options elsewhere, this changes nothing. (`sightline up --forward` does the same, in
 * packages/server/src/forward-grpc.ts: neither package depends on the other.)
 */
function withoutIpServerName(credentials: grpcTypes.ChannelCredentials): grpcTypes.ChannelCredentials {
  const createConnector = credentials._createSecureConnector.bind(credentials);
  credentials._createSecureConnector = (target, options, callCredentials) => {
    const connector = createConnector(target, options, callCredentials);
    const connection = (connector as unknown as ConnectorWithOptions).connectionOptions;
    if (connection?.servername !== undefined && isIP(connection.servername) !== 0) delete connection.servername;
    return connector;
  };
  return credentials;
}

export class GrpcTransport {
  private readonly client: grpcTypes.Client;
  private readonly metadata: grpcTypes.Metadata;
  private readonly target: string;

  constructor(private readonly opts: GrpcTransportOptions) {
    const grpc = require('@grpc/grpc-js') as typeof grpcTypes;
    const url = new URL(opts.url);
    this.target = url.host;
    const tls = opts.tls ?? {};
    const credentials =
      url.protocol === 'https:'
        ? withoutIpServerName(grpc.credentials.createSsl(tls.ca ?? null, tls.key ?? null, tls.cert ?? null))
        : grpc.credentials.createInsecure();
    const options: grpcTypes.ChannelOptions = { 'grpc.primary_user_agent': USER_AGENT };
    if (opts.compression === 'gzip') options['grpc.default_compression_algorithm'] = GZIP;
    this.client = new grpc.Client(this.target, credentials, options);
    this.metadata = new grpc.Metadata();
    for (const [k, v] of Object.entries(opts.headers)) this.metadata.set(k, v);
  }

  readonly attempt = (body: Uint8Array, timeoutMs: number): Promise<Uint8Array> =>
    new Promise<Uint8Array>((resolve, reject) => {
      const message = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.length);
      this.client.makeUnaryRequest<Buffer, Buffer>(
        this.opts.path,
        identity,
        identity,
        message,
        this.metadata.clone(),
        { deadline: Date.now() + timeoutMs },
        (err, response) => {
          if (!err) {
            resolve(response ?? Buffer.alloc(0));
            return;
          }
          reject(this.toExportError(err));
        },
      );
    });

  private toExportError(err: grpcTypes.ServiceError): ExportError {
    let retryAfter: number | undefined;
    const details = err.metadata?.get('grpc-status-details-bin')[0];
    if (details instanceof Buffer) retryAfter = retryDelayFromStatusDetails(details);
    const retryable = RETRYABLE.has(err.code) || (err.code === RESOURCE_EXHAUSTED && retryAfter !== undefined);
    const hint = err.code === UNAVAILABLE ? '; is the collector running there?' : '';
    return new ExportError(
      err.code === DEADLINE_EXCEEDED ? 'SIGHTLINE_ERR_SDK_EXPORT_TIMEOUT' : 'SIGHTLINE_ERR_SDK_EXPORT_GRPC',
      `gRPC ${this.opts.path} on ${this.target} failed with code ${err.code}: ${err.details || err.message}${hint}`,
      retryable,
      retryAfter,
    );
  }

  close(): void {
    this.client.close();
  }
}
