// The live-tail reader (SSE over fetch) against a real HTTP server that splits events across network chunks.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSse } from '../src/lib/sse';

let server: Server;
let base: string;
let connections = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    connections++;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    if (req.url === '/split') {
      // One event cut in the middle of its JSON, a comment line, a two-line data field, then the stream ends.
      res.write(': ping\n\ndata: {"a":');
      setTimeout(() => res.write('1}\n\ndata: line one\ndata: line two\n'), 20);
      setTimeout(() => res.end('\n'), 40);
    } else res.end('data: x\n\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('live tail reader', () => {
  it('reassembles events split across chunks, skips comments, joins multi-line data', async () => {
    const got: string[] = [];
    const h = openSse(
      `${base}/split`,
      (d) => got.push(d),
      () => undefined,
      60_000,
    );
    await expect.poll(() => got.length).toBe(2);
    h.close();
    expect(got).toEqual(['{"a":1}', 'line one\nline two']);
  });

  it('reports the disconnect and reconnects when the stream ends', async () => {
    const before = connections;
    const states: boolean[] = [];
    const h = openSse(
      `${base}/once`,
      () => undefined,
      (ok) => states.push(ok),
      50,
    );
    await expect.poll(() => connections - before).toBeGreaterThanOrEqual(2);
    h.close();
    expect(states.slice(0, 2)).toEqual([true, false]);
  });
});
