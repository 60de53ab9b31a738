import * as grpc from '@grpc/grpc-js';
import { bearerChecker } from './auth.js';
import { SightlineError } from './errors.js';
import { OverloadedError } from './ingest-queue.js';
import { type Ingestor, responseProtobuf } from './otlp-ingest.js';
import { RetryInfo, RpcStatus, type Signal } from './otlp-proto.js';

const SERVICES: [Signal, string][] = [
  ['traces', '/opentelemetry.proto.collector.trace.v1.TraceService/Export'],
  ['metrics', '/opentelemetry.proto.collector.metrics.v1.MetricsService/Export'],
  ['logs', '/opentelemetry.proto.collector.logs.v1.LogsService/Export'],
];

const identity = (b: Buffer) => b;

/** grpc-status-details-bin carrying google.rpc.RetryInfo, so OTLP exporters know when to retry. */
function retryDetails(message: string, seconds: number): grpc.Metadata {
  const md = new grpc.Metadata();
  const retry = RetryInfo.encode(RetryInfo.fromObject({ retryDelay: { seconds, nanos: 0 } })).finish();
  const status = RpcStatus.encode(
    RpcStatus.fromObject({
      code: grpc.status.RESOURCE_EXHAUSTED,
      message,
      details: [{ typeUrl: 'type.googleapis.com/google.rpc.RetryInfo', value: retry }],
    }),
  ).finish();
  md.set('grpc-status-details-bin', Buffer.from(status));
  return md;
}

function toServiceError(e: unknown): Partial<grpc.ServiceError> {
  if (e instanceof OverloadedError) {
    const details = `${e.code}: ${e.message}`;
    return { code: grpc.status.RESOURCE_EXHAUSTED, details, metadata: retryDetails(details, e.retryAfterSeconds) };
  }
  if (e instanceof SightlineError) {
    const code =
      e.status === 401
        ? grpc.status.UNAUTHENTICATED
        : e.status === 413
          ? grpc.status.RESOURCE_EXHAUSTED
          : e.status >= 500
            ? grpc.status.UNAVAILABLE
            : grpc.status.INVALID_ARGUMENT;
    return { code, details: `${e.code}: ${e.message}` };
  }
  return { code: grpc.status.INTERNAL, details: `SIGHTLINE_ERR_INTERNAL: ${(e as Error).message}` };
}

/** OTLP/gRPC: TraceService, MetricsService, LogsService Export (gzip handled by grpc-js). */
export function createOtlpGrpcServer(
  ingestor: Ingestor,
  options: { maxBodyBytes: number; token?: string },
): grpc.Server {
  const authorized = bearerChecker(options.token);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
    'grpc.max_send_message_length': 4 * 1024 * 1024,
  });
  for (const [signal, path] of SERVICES) {
    const definition: grpc.ServiceDefinition = {
      Export: {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      },
    };
    const handler: grpc.handleUnaryCall<Buffer, Buffer> = (call, callback) => {
      const auth = call.metadata.get('authorization')[0];
      if (!authorized(typeof auth === 'string' ? auth : auth?.toString())) {
        callback({
          code: grpc.status.UNAUTHENTICATED,
          details: 'SIGHTLINE_ERR_UNAUTHORIZED: missing or wrong authorization: Bearer token (--token)',
        });
        return;
      }
      Promise.resolve()
        .then(() => ingestor.ingestBody(signal, call.request, false))
        .then(
          (result) => callback(null, Buffer.from(responseProtobuf(signal, result))),
          (e) => callback(toServiceError(e)),
        );
    };
    server.addService(definition, { Export: handler as grpc.UntypedHandleCall });
  }
  return server;
}

/** Binds the gRPC server; resolves with the port actually bound. */
export function bindGrpc(server: grpc.Server, host: string, port: number): Promise<number> {
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound),
    );
  });
}
