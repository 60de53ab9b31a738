// Sightline's TracerProvider: the SDK Tracer's decisions (suppression, parent, sampling, non-recording spans) making
// SightlineSpans, with the span processors called directly and ids from a random pool.
import type {
  Context,
  Link,
  Span,
  SpanContext,
  SpanOptions,
  Tracer,
  TracerOptions,
  TracerProvider,
} from '@opentelemetry/api';
import {
  context as contextApi,
  diag,
  INVALID_SPAN_CONTEXT,
  SamplingDecision,
  SpanKind,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { IdGenerator, Sampler, SpanLimits, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { AlwaysOnSampler, isTracingSuppressed as isSuppressed, sanitizeAttributes } from '../sdk-files.js';
import { ParentBasedSampler } from './parent-based-sampler.js';
import { randomIds } from './random-ids.js';
import type { ResolvedSpanLimits } from './span.js';
import { SightlineSpan } from './span.js';

export interface SightlineTracerProviderOptions {
  resource: Resource;
  /** Default: parent-based, always on (as the SDK's). */
  sampler?: Sampler;
  spanProcessors: SpanProcessor[];
  spanLimits?: SpanLimits;
  idGenerator?: IdGenerator;
}

const EMPTY_ATTRIBUTES = Object.freeze({});
// Read once: the packages' exports are getters, and these run for every span.
const isTracingSuppressed = isSuppressed;
const { getSpan, isSpanContextValid, wrapSpanContext, deleteSpan } = trace;

/** The processors as one, without a loop when there is a single one (the usual case). */
function combine(processors: SpanProcessor[]): SpanProcessor {
  if (processors.length === 1) return processors[0] as SpanProcessor;
  return {
    onStart: (span, ctx) => {
      for (const p of processors) p.onStart(span, ctx);
    },
    onEnding: (span) => {
      for (const p of processors) p.onEnding?.(span);
    },
    onEnd: (span) => {
      for (const p of processors) p.onEnd(span);
    },
    forceFlush: async () => {
      await Promise.all(processors.map((p) => p.forceFlush()));
    },
    shutdown: async () => {
      await Promise.all(processors.map((p) => p.shutdown()));
    },
  };
}

class SightlineTracer implements Tracer {
  constructor(
    private readonly scope: InstrumentationScope,
    private readonly resource: Resource,
    private readonly sampler: Sampler,
    private readonly processor: SpanProcessor,
    private readonly limits: ResolvedSpanLimits,
    private readonly ids: IdGenerator,
  ) {}

  startSpan(name: string, options: SpanOptions = {}, ctx: Context = contextApi.active()): Span {
    if (options.root) ctx = deleteSpan(ctx);
    if (isTracingSuppressed(ctx)) {
      diag.debug('Instrumentation suppressed, returning Noop Span');
      return wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
    const parentSpan = getSpan(ctx);
    const parent = parentSpan?.spanContext();
    const spanId = this.ids.generateSpanId();
    let validParent: SpanContext | undefined;
    let traceId: string;
    let traceState: SpanContext['traceState'];
    // A span of ours carries generated (valid) ids: only foreign parents need the API's check.
    if (parent !== undefined && (parentSpan instanceof SightlineSpan || isSpanContextValid(parent))) {
      traceId = parent.traceId;
      traceState = parent.traceState;
      validParent = parent;
    } else traceId = this.ids.generateTraceId();
    const kind = options.kind ?? SpanKind.INTERNAL;
    const links: Link[] | undefined = options.links?.map((link) => ({
      context: link.context,
      attributes: sanitizeAttributes(link.attributes),
    }));
    const attributes = options.attributes === undefined ? EMPTY_ATTRIBUTES : sanitizeAttributes(options.attributes);
    const sampling = this.sampler.shouldSample(ctx, traceId, name, kind, attributes, links ?? []);
    traceState = sampling.traceState ?? traceState;
    const traceFlags = sampling.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE;
    const spanContext: SpanContext = { traceId, spanId, traceFlags, traceState };
    if (sampling.decision === SamplingDecision.NOT_RECORD) {
      diag.debug('Recording is off, propagating context in a non-recording span');
      return wrapSpanContext(spanContext);
    }
    const initial =
      sampling.attributes === undefined ? attributes : sanitizeAttributes({ ...attributes, ...sampling.attributes });
    return new SightlineSpan({
      resource: this.resource,
      scope: this.scope,
      context: ctx,
      spanContext,
      name,
      kind,
      parentSpanContext: validParent,
      links,
      attributes: initial === EMPTY_ATTRIBUTES ? undefined : initial,
      startTime: options.startTime,
      processor: this.processor,
      limits: this.limits,
    });
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    options: SpanOptions,
    ctx: Context,
    fn: F,
  ): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(
    name: string,
    a2?: SpanOptions | F,
    a3?: Context | F,
    a4?: F,
  ): ReturnType<F> | undefined {
    // The function is the last argument: that tells the three forms apart.
    let options: SpanOptions | undefined;
    let ctx: Context | undefined;
    let fn: F;
    if (typeof a4 === 'function') {
      options = a2 as SpanOptions | undefined;
      ctx = a3 as Context | undefined;
      fn = a4;
    } else if (typeof a3 === 'function') {
      options = a2 as SpanOptions | undefined;
      fn = a3 as F;
    } else if (typeof a2 === 'function') fn = a2 as F;
    else return undefined;
    const parentContext = ctx ?? contextApi.active();
    const span = this.startSpan(name, options, parentContext);
    return contextApi.with(trace.setSpan(parentContext, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

export class SightlineTracerProvider implements TracerProvider {
  private readonly tracers = new Map<string, SightlineTracer>();
  private readonly processor: SpanProcessor;
  private readonly limits: ResolvedSpanLimits;
  private readonly sampler: Sampler;

  constructor(private readonly options: SightlineTracerProviderOptions) {
    this.processor = combine(options.spanProcessors);
    this.sampler = options.sampler ?? new ParentBasedSampler({ root: new AlwaysOnSampler() });
    const l = options.spanLimits ?? {};
    this.limits = {
      attributeCountLimit: l.attributeCountLimit ?? 128,
      attributeValueLengthLimit: l.attributeValueLengthLimit ?? Number.POSITIVE_INFINITY,
      eventCountLimit: l.eventCountLimit ?? 128,
      linkCountLimit: l.linkCountLimit ?? 128,
      attributePerEventCountLimit: l.attributePerEventCountLimit ?? 128,
      attributePerLinkCountLimit: l.attributePerLinkCountLimit ?? 128,
    };
  }

  getTracer(name: string, version?: string, options?: TracerOptions): Tracer {
    const key = `${name}@${version ?? ''}:${options?.schemaUrl ?? ''}`;
    let tracer = this.tracers.get(key);
    if (tracer === undefined) {
      tracer = new SightlineTracer(
        { name, version, schemaUrl: options?.schemaUrl },
        this.options.resource,
        this.sampler,
        this.processor,
        this.limits,
        this.options.idGenerator ?? randomIds,
      );
      this.tracers.set(key, tracer);
    }
    return tracer;
  }

  forceFlush(): Promise<void> {
    return this.processor.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.processor.shutdown();
  }
}
