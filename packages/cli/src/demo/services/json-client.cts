/**
 * A small JSON-over-HTTP client on node:http: the SDK's HTTP instrumentation makes each call a client span
 * and carries its context to the service called, with nothing to do here.
 */
import { request } from 'node:http';

export interface JsonResponse<T> {
  status: number;
  body: T;
}

/** Sends `body` as JSON (when given) and parses the JSON answer; rejects on network errors and after `timeoutMs`. */
export function callJson<T>(method: string, url: string, body?: unknown, timeoutMs = 10_000): Promise<JsonResponse<T>> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = request(
      url,
      {
        method,
        // No trace context here: the SDK's HTTP client instrumentation adds `traceparent` for its client span.
        headers: payload ? { 'content-type': 'application/json', 'content-length': payload.length } : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          try {
            resolve({ status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T });
          } catch {
            reject(new Error(`${method} ${url} answered ${res.statusCode} with a body that is not JSON`));
          }
        });
      },
    );
    // A deadline for the whole call; the socket `timeout` option measures idle time on a socket that a
    // keep-alive agent may have half used up already.
    const deadline = setTimeout(
      () => req.destroy(new Error(`${method} ${url} timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('error', reject);
    req.end(payload);
  });
}
