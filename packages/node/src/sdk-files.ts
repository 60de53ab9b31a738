// The parts of the OpenTelemetry SDK that start-up needs, loaded from their own files instead of their package's index:
// @opentelemetry/sdk-trace's index (re-exported by @opentelemetry/sdk-trace-base) loads the SDK's whole tracer, span,
// processors and exporters; @opentelemetry/core's index loads all of core and, through its platform files,
// @opentelemetry/semantic-conventions: 27 ms of the SDK's own start in `npm run bench:sdk:startup` (and 12–42 ms for
// the indexes of sdk-trace and resources before that) for code we do not run (our tracer is src/tracing/, the resource
// src/static-resource.ts, the parent-based sampler src/tracing/parent-based-sampler.ts, since the SDK's files of those
// two require core's index). None of these packages has an "exports" map, so these files are public paths; their
// versions are pinned with the other SDK packages in package.json, and test/require-hook.test.ts checks which SDK files
// load at start.

export { W3CBaggagePropagator } from '@opentelemetry/core/build/src/baggage/propagation/W3CBaggagePropagator';
export { isAttributeValue, sanitizeAttributes } from '@opentelemetry/core/build/src/common/attributes';
export { CompositePropagator } from '@opentelemetry/core/build/src/propagation/composite';
export { getRPCMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core/build/src/trace/rpc-metadata';
export { isTracingSuppressed, suppressTracing } from '@opentelemetry/core/build/src/trace/suppress-tracing';
export { W3CTraceContextPropagator } from '@opentelemetry/core/build/src/trace/W3CTraceContextPropagator';
export { AlwaysOffSampler } from '@opentelemetry/sdk-trace/build/src/sampler/AlwaysOffSampler';
export { AlwaysOnSampler } from '@opentelemetry/sdk-trace/build/src/sampler/AlwaysOnSampler';
export { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace/build/src/sampler/TraceIdRatioBasedSampler';
