// OTLP/HTTP: POST the encoded body (application/x-protobuf, or application/json for http/json) to the signal's URL
// (…/v1/traces, …/v1/logs, …/v1/metrics), gzip when configured. Keep-alive sockets are reused between exports and,
// when idle, do not hold the process open (Node's agent unrefs free sockets).
import * as http from 'node:http';
import * as https from 'node:https';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { ExportError } from './retry.js';
import type { TlsFiles } from './tls-files.js';
import { USER_AGENT } from './user-agent.js';

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

const gzipAsync = promisify(gzip);
const RETRYABLE_STATUS = new Set([429, 502, 503, 504]);
const MAX_ERROR_BODY = 300;

/** Retry-After as milliseconds: delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The start of an error body when it reads as text (collectors often answer with a google.rpc.Status or JSON). */
function describeBody(body: Buffer): string {
  const text = body.subarray(0, MAX_ERROR_BODY).toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: protobuf bodies are stripped down to their readable text.
  const readable = text.replace(/[\u0000-\u0008\u000e-\u001f\ufffd]+/g, ' ').trim();
  return readable ? `: ${readable}` : '';
}

export interface HttpTransportOptions {
  url: string;
  headers: Record<string, string>;
  compression: 'gzip' | 'none';
  /** Private CA and client certificate for https:// URLs. */
  tls?: TlsFiles;
  /** application/x-protobuf (default) or application/json. */
  contentType?: string;
}

export class HttpTransport {
  private readonly url: URL;
  private readonly client: typeof http | typeof https;
  private readonly agent: http.Agent;
  private readonly headers: Record<string, string>;
  private readonly gzip: boolean;
  /** The URL as shown in messages: without credentials or query, which may carry secrets. */
  private readonly where: string;

  constructor(opts: HttpTransportOptions) {
    this.url = new URL(opts.url);
    this.client = this.url.protocol === 'https:' ? https : http;
    this.where = `${this.url.origin}${this.url.pathname}`;
    const tls = this.url.protocol === 'https:' ? (opts.tls ?? {}) : {};
    this.agent = new this.client.Agent({ keepAlive: true, maxSockets: 4, ...tls });
    this.gzip = opts.compression === 'gzip';
    this.headers = {
      'user-agent': USER_AGENT,
      ...opts.headers,
      'content-type': opts.contentType ?? 'application/x-protobuf',
    };
    if (this.gzip) this.headers['content-encoding'] = 'gzip';
  }

  readonly attempt = async (body: Uint8Array, timeoutMs: number): Promise<Uint8Array> => {
    const payload = this.gzip ? await gzipAsync(body) : body;
    return new Promise<Uint8Array>((resolve, reject) => {
      let settled = false;
      const fail = (err: ExportError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err);
      };
      const req = this.client.request(this.url, {
        method: 'POST',
        agent: this.agent,
        headers: { ...this.headers, 'content-length': String(payload.length) },
      });
      const timer = setTimeout(() => {
        fail(
          new ExportError(
            'SIGHTLINE_ERR_SDK_EXPORT_TIMEOUT',
            `${this.where} did not answer within ${timeoutMs} ms`,
            true,
          ),
        );
        req.destroy();
      }, timeoutMs);
      timer.unref();
      req.on('error', (err: NodeJS.ErrnoException) => {
        fail(
          new ExportError(
            'SIGHTLINE_ERR_SDK_EXPORT_HTTP',
            `cannot send to ${this.where}: ${err.code ?? err.message}; is the collector running there?`,
            true,
          ),
        );
      });
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        let received = 0;
        res.on('data', (c: Buffer) => {
          received += c.length;
          // An OTLP answer is a few bytes; a collector streaming more must not grow the app's memory.
          if (received > MAX_RESPONSE_BYTES) {
            fail(
              new ExportError(
                'SIGHTLINE_ERR_SDK_EXPORT_HTTP',
                `${this.where} answered with more than ${MAX_RESPONSE_BYTES} bytes; is this an OTLP endpoint?`,
                false,
              ),
            );
            req.destroy();
            return;
          }
          chunks.push(c);
        });
        res.on('error', (err) => req.emit('error', err));
        res.on('end', () => {
          if (settled) return;
          const status = res.statusCode ?? 0;
          const responseBody = Buffer.concat(chunks);
          if (status >= 200 && status < 300) {
            settled = true;
            clearTimeout(timer);
            resolve(responseBody);
            return;
          }
          const retryAfter = parseRetryAfter(res.headers['retry-after'] as string | undefined);
          fail(
            new ExportError(
              'SIGHTLINE_ERR_SDK_EXPORT_HTTP',
              `${this.where} answered HTTP ${status}${describeBody(responseBody)}`,
              RETRYABLE_STATUS.has(status),
              retryAfter,
            ),
          );
        });
      });
      req.end(payload);
    });
  };

  close(): void {
    this.agent.destroy();
  }
}
