// Meter helpers: instruments from the app's own meter, created once per name and reused.

import type { Counter, Gauge, Histogram, MetricOptions, UpDownCounter } from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';

const METER_NAME = 'app';
const cache = new Map<string, unknown>();

function cached<T>(kind: string, name: string, make: () => T): T {
  const key = `${kind}:${name}`;
  let v = cache.get(key) as T | undefined;
  if (v === undefined) {
    v = make();
    cache.set(key, v);
  }
  return v;
}

/** Monotonic counter, e.g. `counter('orders.created').add(1, { channel: 'web' })`. */
export function counter(name: string, options?: MetricOptions): Counter {
  return cached('counter', name, () => metrics.getMeter(METER_NAME).createCounter(name, options));
}

/** Value that goes up and down, e.g. queue depth. */
export function upDownCounter(name: string, options?: MetricOptions): UpDownCounter {
  return cached('updown', name, () => metrics.getMeter(METER_NAME).createUpDownCounter(name, options));
}

/** Last-value gauge, e.g. `gauge('cache.size').record(42)`. */
export function gauge(name: string, options?: MetricOptions): Gauge {
  return cached('gauge', name, () => metrics.getMeter(METER_NAME).createGauge(name, options));
}

/** Distribution, e.g. `histogram('job.duration', { unit: 's' }).record(0.12)`. */
export function histogram(name: string, options?: MetricOptions): Histogram {
  return cached('histogram', name, () => metrics.getMeter(METER_NAME).createHistogram(name, options));
}

export const meter = { counter, upDownCounter, gauge, histogram };

/** Instruments made before init() came from the no-op provider; init() forgets them. */
export function clearInstrumentCache(): void {
  cache.clear();
}
