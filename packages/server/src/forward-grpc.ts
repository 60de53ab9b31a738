import { isIP } from 'node:net';
import * as grpc from '@grpc/grpc-js';
import type { ForwardTarget } from './forward-target.js';
import type { ForwardTransport, SendOutcome } from './forward-transport.js';
import { RetryInfo, RpcStatus, type Signal } from './otlp-proto.js';

const METHODS: Record<Signal, string> = {
  traces: '/opentelemetry.proto.collector.trace.v1.TraceService/Export',
  metrics: '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export',
  logs: '/opentelemetry.proto.collector.logs.v1.LogsService/Export',
};

/** The retryable codes of the OTLP spec (RESOURCE_EXHAUSTED included: upstream overload is temporary for a tee). */
const RETRYABLE = new Set<number>([
  grpc.status.CANCELLED,
  grpc.status.DEADLINE_EXCEEDED,
  grpc.status.RESOURCE_EXHAUSTED,
  grpc.status.ABORTED,
  grpc.status.OUT_OF_RANGE,
  grpc.status.UNAVAILABLE,
  grpc.status.DATA_LOSS,
]);

// The request is already an encoded Export…ServiceRequest: pass the bytes through, never re-encode.
const passThrough = (b: Buffer) => b;

/** The delay in google.rpc.RetryInfo (grpc-status-details-bin), as OTLP receivers send with RESOURCE_EXHAUSTED. */
function retryInfoMs(metadata: grpc.Metadata | undefined): number | undefined {
  const raw = metadata?.get('grpc-status-details-bin')[0];
  if (!Buffer.isBuffer(raw)) return undefined;
  try {
    const status = RpcStatus.toObject(RpcStatus.decode(raw)) as {
      details?: { typeUrl?: string; value?: Uint8Array }[];
    };
    const detail = status.details?.find((d) => d.typeUrl?.endsWith('google.rpc.RetryInfo'));
    if (!detail?.value) return undefined;
    const info = RetryInfo.toObject(RetryInfo.decode(detail.value), { longs: Number }) as {
      retryDelay?: { seconds?: number; nanos?: number };
    };
    return (info.retryDelay?.seconds ?? 0) * 1000 + (info.retryDelay?.nanos ?? 0) / 1e6;
  } catch {
    return undefined;
  }
}

type ConnectorWithOptions = { connectionOptions?: { servername?: string } };

/**
 * grpc-js sends the target's host as the TLS server name (SNI) even when it is an IP address, which RFC 6066 forbids:
 * Node 20-24 print DEP0123, Node 26 refuses the connection (grpc/grpc-node#1919). For such a target the name is left
 * out, as Node's own https does; the certificate is still checked against the address. If a later grpc-js keeps its
 * options elsewhere, this changes nothing. (@sightline/node's OTLP/gRPC exporter does the same.)
 */
function withoutIpServerName(credentials: grpc.ChannelCredentials): grpc.ChannelCredentials {
  const createConnector = credentials._createSecureConnector.bind(credentials);
  credentials._createSecureConnector = (target, options, callCredentials) => {
    const connector = createConnector(target, options, callCredentials);
    const connection = (connector as unknown as ConnectorWithOptions).connectionOptions;
    if (connection?.servername !== undefined && isIP(connection.servername) !== 0) delete connection.servername;
    return connector;
  };
  return credentials;
}

/** OTLP/gRPC upstream (e.g. Grafana Alloy or a Collector on 4317): unary Export calls with the received bytes. */
export function grpcTransport(target: ForwardTarget, timeoutMs = 10_000): ForwardTransport {
  const client = new grpc.Client(
    target.address,
    target.tls ? withoutIpServerName(grpc.credentials.createSsl()) : grpc.credentials.createInsecure(),
    {
      ...(target.compression === 'gzip' ? { 'grpc.default_compression_algorithm': 2 } : {}),
      // Reconnect quickly once the upstream is back (grpc-js otherwise backs off up to 120 s between attempts).
      'grpc.initial_reconnect_backoff_ms': 250,
      'grpc.max_reconnect_backoff_ms': 5000,
      'grpc.max_send_message_length': -1,
    },
  );
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(target.headers)) metadata.set(k, v);
  return {
    send(signal: Signal, body: Uint8Array): Promise<SendOutcome> {
      const method = METHODS[signal];
      return new Promise((resolve) => {
        client.makeUnaryRequest<Buffer, Buffer>(
          method,
          passThrough,
          passThrough,
          Buffer.from(body.buffer, body.byteOffset, body.byteLength),
          metadata.clone(),
          { deadline: Date.now() + timeoutMs },
          (err) => {
            if (!err) return resolve({ kind: 'sent' });
            const reason = `${target.display} ${method}: ${grpc.status[err.code] ?? err.code} ${err.details}`;
            if (RETRYABLE.has(err.code)) {
              resolve({ kind: 'retry', reason, afterMs: retryInfoMs(err.metadata) });
            } else {
              const hint =
                err.code === grpc.status.UNAUTHENTICATED || err.code === grpc.status.PERMISSION_DENIED
                  ? ' (set its credentials in SIGHTLINE_FORWARD_HEADERS)'
                  : err.code === grpc.status.UNIMPLEMENTED
                    ? ' (is this an OTLP/gRPC endpoint? for OTLP/HTTP use http://)'
                    : '';
              resolve({ kind: 'refused', reason: `${reason}${hint}` });
            }
          },
        );
      });
    },
    close() {
      client.close();
    },
  };
}
