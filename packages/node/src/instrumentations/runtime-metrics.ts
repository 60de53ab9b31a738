// Node runtime metrics (event loop delay and utilization, GC, heap, RSS) from perf_hooks and v8, read only when
// the metric reader collects. Names follow @opentelemetry/instrumentation-runtime-node / semconv.

import type { EventLoopUtilization } from 'node:perf_hooks';
import { monitorEventLoopDelay, PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import type { BatchObservableResult, Meter } from '@opentelemetry/api';

const GC_KINDS: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb', 15: 'all' };

export function startRuntimeMetrics(meter: Meter): () => void {
  const delay = monitorEventLoopDelay({ resolution: 20 });
  delay.enable();
  let lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  const p50 = meter.createObservableGauge('nodejs.eventloop.delay.p50', {
    unit: 's',
    description: 'Event loop delay, 50th percentile',
  });
  const p90 = meter.createObservableGauge('nodejs.eventloop.delay.p90', {
    unit: 's',
    description: 'Event loop delay, 90th percentile',
  });
  const p99 = meter.createObservableGauge('nodejs.eventloop.delay.p99', {
    unit: 's',
    description: 'Event loop delay, 99th percentile',
  });
  const max = meter.createObservableGauge('nodejs.eventloop.delay.max', {
    unit: 's',
    description: 'Event loop delay, maximum',
  });
  const mean = meter.createObservableGauge('nodejs.eventloop.delay.mean', {
    unit: 's',
    description: 'Event loop delay, mean',
  });
  const elu = meter.createObservableGauge('nodejs.eventloop.utilization', {
    unit: '1',
    description: 'Event loop utilization since last collection',
  });
  const heapUsed = meter.createObservableGauge('v8js.memory.heap.used', {
    unit: 'By',
    description: 'Heap used by V8 heap space',
  });
  const heapSpaceSize = meter.createObservableGauge('v8js.memory.heap.space.size', {
    unit: 'By',
    description: 'Total heap memory size pre-allocated for a V8 heap space',
  });
  const rss = meter.createObservableUpDownCounter('process.memory.usage', {
    unit: 'By',
    description: 'Resident set size',
  });
  const gcDuration = meter.createHistogram('v8js.gc.duration', {
    unit: 's',
    description: 'Garbage collection duration',
    advice: { explicitBucketBoundaries: [0.01, 0.1, 1, 10] },
  });

  const ns = 1e-9;
  const observables = [p50, p90, p99, max, mean, elu, heapUsed, heapSpaceSize, rss];
  const callback = (result: BatchObservableResult): void => {
    result.observe(p50, delay.percentile(50) * ns);
    result.observe(p90, delay.percentile(90) * ns);
    result.observe(p99, delay.percentile(99) * ns);
    result.observe(max, delay.max * ns);
    result.observe(mean, Number.isFinite(delay.mean) ? delay.mean * ns : 0);
    delay.reset();
    const now = performance.eventLoopUtilization();
    result.observe(elu, performance.eventLoopUtilization(now, lastElu).utilization);
    lastElu = now;
    for (const space of v8.getHeapSpaceStatistics()) {
      const attrs = { 'v8js.heap.space.name': space.space_name };
      result.observe(heapUsed, space.space_used_size, attrs);
      result.observe(heapSpaceSize, space.space_size, attrs);
    }
    result.observe(rss, process.memoryUsage.rss());
  };
  meter.addBatchObservableCallback(callback, observables);

  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind ?? 0;
      gcDuration.record(entry.duration / 1000, { 'v8js.gc.type': GC_KINDS[kind] ?? 'unknown' });
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });

  return () => {
    delay.disable();
    gcObserver.disconnect();
    meter.removeBatchObservableCallback(callback, observables);
  };
}
