/**
 * Steady, realistic traffic for the demo's `api`: a mix of catalogue reads, orders (which fan out to
 * `inventory` and `worker`), recommendations (slow sometimes) and payments (fail sometimes).
 */
export interface TrafficStats {
  sent: number;
  /** Answers by HTTP status; network errors count under 0. */
  byStatus: Record<number, number>;
  /** Ticks skipped because too many requests were already in flight (api too slow for the rate). */
  skipped: number;
}

export interface TrafficGenerator {
  readonly stats: TrafficStats;
  /** Stops sending and waits (bounded) for requests in flight. */
  stop(): Promise<TrafficStats>;
}

interface PlannedRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

const SKUS = ['lamp-01', 'mug-02', 'pen-03', 'note-04', 'bag-05'];
const MAX_IN_FLIGHT = 64;
const pick = <T>(items: readonly T[], random: () => number): T => items[Math.floor(random() * items.length)] as T;

/** Weighted request mix; a few orders ask for an unknown product so 404s show up too. */
export function planRequest(random: () => number = Math.random): PlannedRequest {
  const roll = random();
  if (roll < 0.3) return { method: 'GET', path: '/products' };
  if (roll < 0.6) {
    const sku = random() < 0.03 ? 'ghost-99' : pick(SKUS, random);
    return { method: 'POST', path: '/orders', body: { sku, quantity: 1 + Math.floor(random() * 4) } };
  }
  if (roll < 0.8) return { method: 'GET', path: '/recommendations' };
  return { method: 'POST', path: '/payments', body: { amountCents: 500 + Math.floor(random() * 9500) } };
}

export function startTraffic(baseUrl: string, ratePerSecond: number): TrafficGenerator {
  const stats: TrafficStats = { sent: 0, byStatus: {}, skipped: 0 };
  const inFlight = new Set<Promise<void>>();
  const count = (status: number) => {
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
  };

  const send = () => {
    if (inFlight.size >= MAX_IN_FLIGHT) {
      stats.skipped += 1;
      return;
    }
    const planned = planRequest();
    stats.sent += 1;
    const request = fetch(`${baseUrl}${planned.path}`, {
      method: planned.method,
      headers: planned.body ? { 'content-type': 'application/json' } : undefined,
      body: planned.body ? JSON.stringify(planned.body) : undefined,
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (response) => {
        await response.arrayBuffer();
        count(response.status);
      })
      .catch(() => count(0))
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };

  // Token bucket: exact average rate at any --rate, without a timer per request.
  const tickMs = Math.max(10, Math.min(200, 1000 / ratePerSecond));
  let tokens = 1;
  let last = performance.now();
  send();
  tokens = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    tokens = Math.min(tokens + ((now - last) / 1000) * ratePerSecond, ratePerSecond);
    last = now;
    while (tokens >= 1) {
      tokens -= 1;
      send();
    }
  }, tickMs);

  return {
    stats,
    async stop() {
      clearInterval(timer);
      // unref: a pending grace timer must not keep the process alive once everything else has stopped.
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise((resolve) => setTimeout(resolve, 3_000).unref()),
      ]);
      return stats;
    },
  };
}
