import type { IncomingMessage } from 'node:http';
import { gunzip } from 'node:zlib';
import { SightlineError } from './errors.js';

const tooLarge = (max: number, what: string) =>
  new SightlineError(
    'SIGHTLINE_ERR_BODY_TOO_LARGE',
    `${what} exceeds --max-body (${max} bytes); send smaller batches or raise --max-body`,
    413,
  );

/** Reads a request body up to `max` bytes (before and after gzip), rejecting early on Content-Length. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > max) throw tooLarge(max, `Content-Length ${declared}`);
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== '') {
    throw new SightlineError(
      'SIGHTLINE_ERR_UNSUPPORTED_ENCODING',
      `Content-Encoding "${encoding}" is not supported; use gzip or none`,
      415,
    );
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw tooLarge(max, 'request body');
    chunks.push(chunk as Buffer);
  }
  const raw = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  if (encoding !== 'gzip') return raw;
  return new Promise((resolve, reject) => {
    gunzip(raw, { maxOutputLength: max }, (err, out) => {
      if (!err) return resolve(out);
      if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        return reject(tooLarge(max, 'decompressed body'));
      reject(
        new SightlineError(
          'SIGHTLINE_ERR_BAD_GZIP',
          `body is not valid gzip (Content-Encoding: gzip): ${err.message}`,
          400,
        ),
      );
    });
  });
}
