// Meter helpers: instruments of the app's meter, one per name. They bind to the global MeterProvider on first use
// (and rebind if init() runs later), so instruments created at module top level before init() still export.

import type {
  Attributes,
  Context,
  Counter,
  Gauge,
  Histogram,
  MeterProvider,
  MetricOptions,
  UpDownCounter,
} from '@opentelemetry/api';
import { metrics } from '@opentelemetry/api';

const METER_NAME = 'app';
type Kind = 'counter' | 'updown' | 'gauge' | 'histogram';
type Real = {
  add?(v: number, a?: Attributes, c?: Context): void;
  record?(v: number, a?: Attributes, c?: Context): void;
};

const cache = new Map<string, unknown>();

function create(kind: Kind, name: string, options?: MetricOptions): Real {
  const meter = metrics.getMeter(METER_NAME);
  if (kind === 'counter') return meter.createCounter(name, options);
  if (kind === 'updown') return meter.createUpDownCounter(name, options);
  if (kind === 'gauge') return meter.createGauge(name, options);
  return meter.createHistogram(name, options);
}

/** An instrument that resolves the real one against the current global provider. */
function lazy(kind: Kind, name: string, options?: MetricOptions): Real {
  let provider: MeterProvider | undefined;
  let real: Real | undefined;
  const current = (): Real => {
    const p = metrics.getMeterProvider();
    if (p !== provider || real === undefined) {
      provider = p;
      real = create(kind, name, options);
    }
    return real;
  };
  return kind === 'counter' || kind === 'updown'
    ? { add: (v, a, c) => current().add?.(v, a, c) }
    : { record: (v, a, c) => current().record?.(v, a, c) };
}

function cached<T>(kind: Kind, name: string, options?: MetricOptions): T {
  const key = `${kind}:${name}`;
  let v = cache.get(key);
  if (v === undefined) {
    v = lazy(kind, name, options);
    cache.set(key, v);
  }
  return v as T;
}

/** Monotonic counter, e.g. `counter('orders.created').add(1, { channel: 'web' })`. */
export function counter(name: string, options?: MetricOptions): Counter {
  return cached<Counter>('counter', name, options);
}

/** Value that goes up and down, e.g. queue depth. */
export function upDownCounter(name: string, options?: MetricOptions): UpDownCounter {
  return cached<UpDownCounter>('updown', name, options);
}

/** Last-value gauge, e.g. `gauge('cache.size').record(42)`. */
export function gauge(name: string, options?: MetricOptions): Gauge {
  return cached<Gauge>('gauge', name, options);
}

/** Distribution, e.g. `histogram('job.duration', { unit: 's' }).record(0.12)`. */
export function histogram(name: string, options?: MetricOptions): Histogram {
  return cached<Histogram>('histogram', name, options);
}

export const meter = { counter, upDownCounter, gauge, histogram };
