import { meter } from '@sightline/node';

// Business metrics through @sightline/node's meter helpers: instruments on the SDK's MeterProvider, exported with the
// HTTP and runtime metrics. Names follow the OpenTelemetry conventions (dotted, unit in `unit`, not in the name).
export const ordersCreated = meter.counter('orders.created', {
  unit: '{order}',
  description: 'Orders accepted and stored',
});

export const orderValue = meter.histogram('orders.value', {
  unit: 'USD',
  description: 'Total value of each accepted order',
  advice: { explicitBucketBoundaries: [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10_000] },
});
