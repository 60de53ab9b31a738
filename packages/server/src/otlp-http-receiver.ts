import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { bearerChecker } from './auth.js';
import { SightlineError } from './errors.js';
import { readBody } from './http-body.js';
import { OverloadedError } from './ingest-queue.js';
import { type Ingestor, responseJson, responseProtobuf } from './otlp-ingest.js';
import { RpcStatus, type Signal } from './otlp-proto.js';

const PATHS: Record<string, Signal> = { '/v1/traces': 'traces', '/v1/logs': 'logs', '/v1/metrics': 'metrics' };
// HTTP status → google.rpc.Code carried in the error Status body.
const GRPC_CODE: Record<number, number> = { 400: 3, 401: 16, 404: 5, 405: 12, 413: 8, 415: 3, 429: 8, 503: 14 };

function sendError(res: ServerResponse, json: boolean, err: SightlineError): void {
  if (res.headersSent) return void res.destroy();
  const code = GRPC_CODE[err.status] ?? 13;
  const message = `${err.code}: ${err.message}`;
  if (err instanceof OverloadedError) res.setHeader('retry-after', String(err.retryAfterSeconds));
  if (err.status === 413) res.setHeader('connection', 'close');
  if (json) {
    res.writeHead(err.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ code, message, error: { code: err.code, message: err.message } }));
  } else {
    res.writeHead(err.status, { 'content-type': 'application/x-protobuf' });
    res.end(RpcStatus.encode(RpcStatus.fromObject({ code, message })).finish());
  }
}

/** OTLP/HTTP: POST /v1/traces|logs|metrics, protobuf or JSON, optionally gzip; answers after commit. */
export function createOtlpHttpServer(ingestor: Ingestor, options: { maxBodyBytes: number; token?: string }): Server {
  const authorized = bearerChecker(options.token);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const contentType = String(req.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    const json = contentType === 'application/json';
    try {
      const path = (req.url ?? '/').split('?')[0]!;
      const signal = PATHS[path];
      if (!authorized(req.headers.authorization)) {
        throw new SightlineError(
          'SIGHTLINE_ERR_UNAUTHORIZED',
          'missing or wrong Authorization: Bearer token (--token)',
          401,
        );
      }
      if (!signal)
        throw new SightlineError(
          'SIGHTLINE_ERR_NOT_FOUND',
          `no OTLP endpoint at ${path}; use /v1/traces, /v1/metrics or /v1/logs`,
          404,
        );
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        throw new SightlineError(
          'SIGHTLINE_ERR_METHOD_NOT_ALLOWED',
          `${req.method} ${path} is not supported; OTLP/HTTP uses POST`,
          405,
        );
      }
      if (!json && contentType !== 'application/x-protobuf') {
        throw new SightlineError(
          'SIGHTLINE_ERR_UNSUPPORTED_MEDIA_TYPE',
          `Content-Type "${contentType}" is not supported; use application/x-protobuf or application/json`,
          415,
        );
      }
      const body = await readBody(req, options.maxBodyBytes);
      const result = await ingestor.ingestBody(signal, body, json);
      if (json) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(responseJson(signal, result));
      } else {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end(responseProtobuf(signal, result));
      }
    } catch (e) {
      const err =
        e instanceof SightlineError ? e : new SightlineError('SIGHTLINE_ERR_INTERNAL', (e as Error).message, 500);
      // Drain what the client still sends so the error reaches it (except for oversized bodies: close instead).
      if (err.status !== 413 && !req.readableEnded) req.resume();
      sendError(res, json, err);
    }
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => void handle(req, res));
  return server;
}
