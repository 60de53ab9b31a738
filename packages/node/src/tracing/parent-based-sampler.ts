// The SDK's ParentBasedSampler, the default sampler, without its package's load cost: the SDK's file requires
// @opentelemetry/core's index, and with it @opentelemetry/semantic-conventions, 27 ms of the SDK's start
// (bench:sdk:startup) for one error handler. Same decisions and toString (test/sdk-replacements.test.ts compares them
// with the SDK's).
import type { Attributes, Context, Link, SpanKind } from '@opentelemetry/api';
import { isSpanContextValid, TraceFlags, trace } from '@opentelemetry/api';
import type { Sampler, SamplingResult } from '@opentelemetry/sdk-trace-base';
import { AlwaysOffSampler, AlwaysOnSampler } from '../sdk-files.js';

export interface ParentBasedSamplerConfig {
  /** For spans without a (valid) parent. */
  root: Sampler;
  remoteParentSampled?: Sampler;
  remoteParentNotSampled?: Sampler;
  localParentSampled?: Sampler;
  localParentNotSampled?: Sampler;
}

/** Follows the parent's sampled flag (remote or local, each configurable); asks `root` for spans without a parent. */
export class ParentBasedSampler implements Sampler {
  private readonly root: Sampler;
  private readonly remoteParentSampled: Sampler;
  private readonly remoteParentNotSampled: Sampler;
  private readonly localParentSampled: Sampler;
  private readonly localParentNotSampled: Sampler;

  constructor(config: ParentBasedSamplerConfig) {
    this.root = config.root;
    this.remoteParentSampled = config.remoteParentSampled ?? new AlwaysOnSampler();
    this.remoteParentNotSampled = config.remoteParentNotSampled ?? new AlwaysOffSampler();
    this.localParentSampled = config.localParentSampled ?? new AlwaysOnSampler();
    this.localParentNotSampled = config.localParentNotSampled ?? new AlwaysOffSampler();
  }

  shouldSample(
    context: Context,
    traceId: string,
    spanName: string,
    spanKind: SpanKind,
    attributes: Attributes,
    links: Link[],
  ): SamplingResult {
    const parent = trace.getSpanContext(context);
    let sampler: Sampler;
    if (parent === undefined || !isSpanContextValid(parent)) sampler = this.root;
    else if (parent.isRemote)
      sampler = parent.traceFlags & TraceFlags.SAMPLED ? this.remoteParentSampled : this.remoteParentNotSampled;
    else sampler = parent.traceFlags & TraceFlags.SAMPLED ? this.localParentSampled : this.localParentNotSampled;
    return sampler.shouldSample(context, traceId, spanName, spanKind, attributes, links);
  }

  toString(): string {
    return `ParentBased{root=${this.root.toString()}, remoteParentSampled=${this.remoteParentSampled.toString()}, remoteParentNotSampled=${this.remoteParentNotSampled.toString()}, localParentSampled=${this.localParentSampled.toString()}, localParentNotSampled=${this.localParentNotSampled.toString()}}`;
  }
}
