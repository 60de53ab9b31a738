// The parts of the OpenTelemetry SDK that start-up needs, loaded from their own files instead of their package's
// index: @opentelemetry/sdk-trace's index (re-exported by @opentelemetry/sdk-trace-base) loads the SDK's whole tracer,
// span, processors and exporters, and @opentelemetry/resources' index all its detectors: 12–42 ms of start-up together
// (npm run bench:sdk:startup against the build before this file) for code we do not run (our tracer is src/tracing/;
// the resource is built in resource.ts). Neither package has an "exports" map, so these files are public paths; their
// versions are pinned with the other SDK packages in package.json, and test/require-hook.test.ts checks which SDK
// files load at start.
export { resourceFromAttributes } from '@opentelemetry/resources/build/src/ResourceImpl';
export { AlwaysOffSampler } from '@opentelemetry/sdk-trace/build/src/sampler/AlwaysOffSampler';
export { AlwaysOnSampler } from '@opentelemetry/sdk-trace/build/src/sampler/AlwaysOnSampler';
export { ParentBasedSampler } from '@opentelemetry/sdk-trace/build/src/sampler/ParentBasedSampler';
export { TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace/build/src/sampler/TraceIdRatioBasedSampler';
