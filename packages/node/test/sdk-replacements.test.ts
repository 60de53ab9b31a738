// The two SDK parts we replace to keep @opentelemetry/core's index and semantic-conventions out of start-up
// (src/sdk-files.ts): the parent-based sampler and the resource, compared with the SDK's own on the same inputs.
import type { Context, SpanContext } from '@opentelemetry/api';
import { ROOT_CONTEXT, SpanKind, TraceFlags, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { Sampler } from '@opentelemetry/sdk-trace-base';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler as SdkParentBasedSampler,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace-base';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { buildResource } from '../src/resource.js';
import { StaticResource } from '../src/static-resource.js';
import { ParentBasedSampler } from '../src/tracing/parent-based-sampler.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';

function parentContext(parent: Partial<SpanContext> | undefined): Context {
  if (parent === undefined) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: TRACE_ID,
    spanId: 'b7ad6b7169203331',
    traceFlags: TraceFlags.NONE,
    ...parent,
  });
}

const PARENTS: [string, Partial<SpanContext> | undefined][] = [
  ['no parent', undefined],
  ['an invalid parent', { traceId: '0'.repeat(32), traceFlags: TraceFlags.SAMPLED }],
  ['a remote sampled parent', { isRemote: true, traceFlags: TraceFlags.SAMPLED }],
  ['a remote unsampled parent', { isRemote: true }],
  ['a local sampled parent', { isRemote: false, traceFlags: TraceFlags.SAMPLED }],
  ['a local unsampled parent', { isRemote: false }],
];

const CONFIGS: [string, () => { root: Sampler; [k: string]: Sampler }][] = [
  ['root always_on', () => ({ root: new AlwaysOnSampler() })],
  ['root always_off', () => ({ root: new AlwaysOffSampler() })],
  ['root ratio 0.5', () => ({ root: new TraceIdRatioBasedSampler(0.5) })],
  [
    'every delegate inverted',
    () => ({
      root: new AlwaysOffSampler(),
      remoteParentSampled: new AlwaysOffSampler(),
      remoteParentNotSampled: new AlwaysOnSampler(),
      localParentSampled: new AlwaysOffSampler(),
      localParentNotSampled: new AlwaysOnSampler(),
    }),
  ],
];

describe('ParentBasedSampler', () => {
  it.each(CONFIGS)('decides as the SDK one does, for every kind of parent, with %s', (_name, config) => {
    const ours = new ParentBasedSampler(config());
    const sdk = new SdkParentBasedSampler(config());
    expect(ours.toString()).toBe(sdk.toString());
    for (const [, parent] of PARENTS) {
      // Trace ids on both sides of the ratio sampler's threshold.
      for (const traceId of [TRACE_ID, 'f'.repeat(32), '0'.repeat(31) + '1']) {
        const ctx = parentContext(parent);
        const args = [ctx, traceId, 'GET /', SpanKind.SERVER, {}, []] as const;
        expect(ours.shouldSample(...args)).toEqual(sdk.shouldSample(...args));
      }
    }
  });
});

describe('StaticResource', () => {
  const attributes = { 'service.name': 'checkout', 'service.version': '1.2.0', 'process.pid': 42, 'x.flag': true };

  it('reads as the SDK resource made from the same attributes', () => {
    const ours = new StaticResource(attributes);
    const sdk = resourceFromAttributes(attributes);
    expect(ours.attributes).toEqual(sdk.attributes);
    expect(ours.getRawAttributes()).toEqual(sdk.getRawAttributes());
    expect(ours.asyncAttributesPending).toBe(false);
    expect(ours.schemaUrl).toBeUndefined();
    expect(Object.isFrozen(ours.attributes)).toBe(true);
  });

  it('merges as the SDK resource does: the other resource wins, a pending one stays pending', async () => {
    const other = resourceFromAttributes({ 'service.name': 'payments', 'k8s.pod.name': 'p-1' });
    expect(new StaticResource(attributes).merge(other).attributes).toEqual(
      resourceFromAttributes(attributes).merge(other).attributes,
    );
    expect(new StaticResource(attributes).merge(null).attributes).toEqual(attributes);
    const pending = resourceFromAttributes({ 'cloud.region': Promise.resolve('eu-west-1') as unknown as string });
    const merged = new StaticResource(attributes).merge(pending);
    expect(merged.asyncAttributesPending).toBe(true);
    await merged.waitForAsyncAttributes?.();
    expect(merged.attributes).toMatchObject({ 'service.name': 'checkout', 'cloud.region': 'eu-west-1' });
  });

  it('is what init() builds, with the configured service name', () => {
    const resource = buildResource(resolveConfig({ serviceName: 'checkout' }, {}));
    expect(resource).toBeInstanceOf(StaticResource);
    expect(resource.attributes['service.name']).toBe('checkout');
  });
});
