import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planRequest, startTraffic } from '../src/demo/traffic-generator.js';

describe("the demo's traffic generator", () => {
  let server: Server;
  let baseUrl = '';
  const seen: string[] = [];

  beforeAll(async () => {
    // A stand-in api that answers like the real one: payments fail, everything else succeeds.
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      req.resume();
      req.on('end', () => {
        res.writeHead(req.url === '/payments' ? 502 : 200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('mixes catalogue reads, orders, recommendations and payments as documented (30/30/20/20)', () => {
    const sequence = (...values: number[]) => {
      let i = 0;
      return () => values[i++ % values.length] as number;
    };
    expect(planRequest(sequence(0.1))).toEqual({ method: 'GET', path: '/products' });
    expect(planRequest(sequence(0.45, 0.5, 0.6, 0.6))).toEqual({
      method: 'POST',
      path: '/orders',
      body: { sku: 'note-04', quantity: 3 },
    });
    expect(planRequest(sequence(0.45, 0.01, 0.0)).body).toEqual({ sku: 'ghost-99', quantity: 1 });
    expect(planRequest(sequence(0.7))).toEqual({ method: 'GET', path: '/recommendations' });
    expect(planRequest(sequence(0.9, 0.5))).toEqual({ method: 'POST', path: '/payments', body: { amountCents: 5250 } });
  });

  it('sends --rate requests per second on average, stops when asked and counts answers by status', async () => {
    seen.length = 0;
    const started = performance.now();
    const traffic = startTraffic(baseUrl, 40);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const stats = await traffic.stop();
    const seconds = (performance.now() - started) / 1000;
    const sentAtStop = stats.sent;
    expect(sentAtStop).toBeGreaterThanOrEqual(Math.floor(40 * 2 * 0.8));
    expect(sentAtStop).toBeLessThanOrEqual(Math.ceil(40 * seconds) + 1);
    const answered = Object.values(stats.byStatus).reduce((sum, count) => sum + count, 0);
    expect(answered).toBe(sentAtStop);
    expect(stats.byStatus[502]).toBe(seen.filter((request) => request === 'POST /payments').length);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(seen.length).toBe(sentAtStop);
  });
});
