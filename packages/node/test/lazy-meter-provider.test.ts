// The global MeterProvider defers loading the metrics SDK: instruments made through it are the SDK's own, our
// onLoad registration runs once, and a flush loads it so that what our producers hold is still exported.
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { LazyMeterProvider } from '../src/lazy-meter-provider.js';

function setup() {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
  let created = 0;
  const loads: string[] = [];
  const lazy = new LazyMeterProvider(
    () => {
      created++;
      return new MeterProvider({ readers: [reader] });
    },
    (provider) => {
      loads.push('onLoad');
      provider
        .getMeter('ours')
        .createObservableGauge('ours.gauge')
        .addCallback((r) => r.observe(7));
    },
  );
  return { exporter, lazy, loads, created: () => created };
}

const names = (exporter: InMemoryMetricExporter) =>
  exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((sm) => sm.metrics.map((m) => m.descriptor.name)));

describe('LazyMeterProvider', () => {
  it('loads on the first instrument, once, and records into the real SDK', async () => {
    const { exporter, lazy, loads, created } = setup();
    const meter = lazy.getMeter('app', '1.0.0');
    expect(lazy.loaded).toBe(false);
    const counter = meter.createCounter('orders.created');
    expect(lazy.loaded).toBe(true);
    counter.add(2, { channel: 'web' });
    meter.createHistogram('job.duration', { unit: 's' }).record(0.5);
    lazy.getMeter('other').createUpDownCounter('queue.depth').add(-1);
    expect(created()).toBe(1);
    expect(loads).toEqual(['onLoad']);
    await lazy.forceFlush();
    expect(names(exporter)).toEqual(
      expect.arrayContaining(['orders.created', 'job.duration', 'queue.depth', 'ours.gauge']),
    );
    await lazy.shutdown();
  });

  it('loads at a flush when nothing needed it before, so our own instruments are exported', async () => {
    const { exporter, lazy, loads } = setup();
    lazy.getMeter('app');
    expect(lazy.loaded).toBe(false);
    await lazy.forceFlush();
    expect(loads).toEqual(['onLoad']);
    expect(names(exporter)).toContain('ours.gauge');
    await lazy.shutdown();
  });

  it('never throws when the SDK cannot be built: one warning, then instruments that do nothing', async () => {
    const writes: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string) => {
      writes.push(String(chunk));
      return true;
    }) as typeof process.stderr.write;
    let attempts = 0;
    try {
      const lazy = new LazyMeterProvider(() => {
        attempts++;
        throw new Error('no metrics today');
      });
      const counter = lazy.getMeter('app').createCounter('orders.created');
      counter.add(1);
      lazy.getMeter('app').createHistogram('job.duration').record(1);
      await lazy.forceFlush();
      await lazy.shutdown();
      expect(lazy.loaded).toBe(false);
    } finally {
      process.stderr.write = write;
    }
    expect(attempts).toBe(1);
    expect(
      writes.filter((w) => w.includes('SIGHTLINE_ERR_SDK_METRICS') && w.includes('no metrics today')),
    ).toHaveLength(1);
  });
});
