// The recording span of Sightline's tracer: the API Span and the SDK's ReadableSpan, with the SDK SpanImpl's
// behaviour (limits, status rules, exception events, clock) and less work per span: no per-span closures or
// self-metrics, empty events/links/status shared until first used, end time and duration without HrTime helpers.

import { performance } from 'node:perf_hooks';
import type {
  Attributes,
  AttributeValue,
  Context,
  Exception,
  HrTime,
  Link,
  Span,
  SpanAttributes,
  SpanContext,
  SpanKind,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';
import { diag, SpanStatusCode } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { ReadableSpan, SpanLimits, SpanProcessor, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { isAttributeValue, sanitizeAttributes } from '../sdk-files.js';

/** Limits resolved to numbers (the SDK's defaults: 128 of everything, values unbounded). */
export type ResolvedSpanLimits = Required<SpanLimits>;

const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NO_EVENTS: TimedEvent[] = Object.freeze([]) as unknown as TimedEvent[];
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];
const UNENDED: HrTime = Object.freeze([0, 0]) as unknown as HrTime;
const NO_DURATION: HrTime = Object.freeze([-1, -1]) as unknown as HrTime;

/**
 * [seconds, nanoseconds] in an array of doubles. V8 stores small integers in arrays of another kind; the OTLP
 * encoder, handed both kinds, converted every integer one (a runtime call) before reading it: twice per span.
 */
export function hrTime(seconds: number, nanos: number): HrTime {
  const time: HrTime = [0.5, 0]; // the double literal gives the array double elements; integers stored keep them
  time[0] = seconds;
  time[1] = nanos;
  return time;
}

/** Epoch milliseconds (fractional) → [seconds, nanoseconds]. */
export function millisToHrTime(ms: number): HrTime {
  const seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) return hrTime(seconds + 1, nanos - 1e9);
  if (nanos < 0) nanos = 0;
  return hrTime(seconds, nanos);
}

/** The API's TimeInput (core's isTimeInputHrTime / isTimeInput, whose file loads core's platform code). */
function isHrTime(value: unknown): value is HrTime {
  return Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number';
}
function isTimeInput(value: unknown): value is TimeInput {
  return isHrTime(value) || typeof value === 'number' || value instanceof Date;
}

/** `time` plus `ms` milliseconds (ms ≥ 0). */
function addMillis(time: HrTime, ms: number): HrTime {
  const total = time[1] + Math.round(ms * 1e6);
  const carry = Math.floor(total / 1e9);
  return hrTime(time[0] + carry, total - carry * 1e9);
}

/**
 * Attributes several spans carry unchanged (those of one HTTP connection: scheme, protocol version, server and client
 * address, user agent), built once and shared instead of set key by key on every span. Frozen; `encoded` is where
 * the OTLP encoder keeps their KeyValue bytes.
 */
export interface SharedAttributes {
  readonly attributes: Readonly<Attributes>;
  readonly count: number;
  encoded: Uint8Array | undefined;
}

/** `attributes` (valid attribute values, none undefined) to share between spans; the object is frozen. */
export function sharedAttributes(attributes: Attributes): SharedAttributes {
  return { attributes: Object.freeze(attributes), count: Object.keys(attributes).length, encoded: undefined };
}

export interface SpanInit {
  resource: Resource;
  scope: InstrumentationScope;
  context: Context;
  spanContext: SpanContext;
  name: string;
  kind: SpanKind;
  parentSpanContext: SpanContext | undefined;
  links: Link[] | undefined;
  attributes: Attributes | undefined;
  startTime: TimeInput | undefined;
  processor: SpanProcessor;
  limits: ResolvedSpanLimits;
}

export class SightlineSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  endTime: HrTime = UNENDED;
  duration: HrTime = NO_DURATION;
  status: SpanStatus = UNSET;
  /** Attributes set on this span; with `shared`, the span's attributes are both (disjoint key sets). */
  private own: Attributes = {};
  private shared: SharedAttributes | undefined;
  /** `attributes` as handed out while `shared` is in use (built on first read; the span's own from the next change). */
  private merged: Attributes | undefined;
  links: Link[] = NO_LINKS;
  events: TimedEvent[] = NO_EVENTS;
  ended = false;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  private attributeCount = 0;
  private readonly context: SpanContext;
  private readonly processor: SpanProcessor;
  private readonly limits: ResolvedSpanLimits;
  private readonly performanceStart: number;
  /** Date.now() minus (timeOrigin + performance.now()): the drift of the two clocks, for performance timestamps. */
  private readonly performanceOffset: number;
  private readonly startTimeProvided: boolean;
  private readonly valueLimited: boolean;

  constructor(init: SpanInit) {
    const now = Date.now();
    this.context = init.spanContext;
    this.performanceStart = performance.now();
    this.performanceOffset = now - (this.performanceStart + performance.timeOrigin);
    this.startTimeProvided = init.startTime != null;
    this.limits = init.limits;
    this.valueLimited = init.limits.attributeValueLengthLimit !== Number.POSITIVE_INFINITY;
    this.processor = init.processor;
    this.name = init.name;
    this.kind = init.kind;
    this.parentSpanContext = init.parentSpanContext;
    if (init.links) for (const link of init.links) this.addLink(link);
    this.startTime = init.startTime == null ? millisToHrTime(now) : this.time(init.startTime);
    this.resource = init.resource;
    this.instrumentationScope = init.scope;
    if (init.attributes) this.setAttributes(init.attributes);
    this.processor.onStart(this, init.context);
  }

  spanContext(): SpanContext {
    return this.context;
  }

  get attributes(): Attributes {
    if (this.shared === undefined) return this.own;
    this.merged ??= { ...this.shared.attributes, ...this.own };
    return this.merged;
  }

  /** Replacing the whole object (a processor may) still works as it did with a plain field. */
  set attributes(value: Attributes) {
    this.own = value;
    this.shared = undefined;
    this.merged = undefined;
  }

  /**
   * Takes `shared` as attributes of this span, as if each were set (limits apply: with a value length limit, or
   * too little room under the count limit, they are set one by one).
   */
  adoptSharedAttributes(shared: SharedAttributes): void {
    if (this.ended || this.shared !== undefined) return;
    if (this.valueLimited || this.attributeCount > 0 || shared.count > this.limits.attributeCountLimit) {
      this.setAttributes(shared.attributes);
      return;
    }
    this.shared = shared;
    this.attributeCount = shared.count;
  }

  /**
   * For the OTLP encoder: the shared attributes, written as they are, plus `ownAttributes()`; undefined when
   * `attributes` is the whole answer (nothing shared, or the merged object was handed out and may have changed).
   */
  sharedForEncoding(): SharedAttributes | undefined {
    return this.merged === undefined ? this.shared : undefined;
  }

  /** The attributes set on this span itself (all of them unless `sharedForEncoding()` answers). */
  ownAttributes(): Attributes {
    return this.own;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (value == null || (this.ended && this.isEnded())) return this;
    if (key.length === 0) {
      diag.warn(`Invalid attribute key: ${key}`);
      return this;
    }
    const type = typeof value;
    if (type !== 'string' && type !== 'number' && type !== 'boolean' && !isAttributeValue(value)) {
      diag.warn(`Invalid attribute value set for key: ${key}`);
      return this;
    }
    // A shared key set again, or `attributes` handed out (its reader may change it): from now on the span keeps its
    // own copy of all of them.
    if (this.shared !== undefined && (this.merged !== undefined || this.shared.attributes[key] !== undefined))
      this.unshare();
    const attributes = this.own;
    // Values are never undefined: only a key seen before (or one of Object.prototype's) needs the own-property check.
    const isNewKey = attributes[key] === undefined || !Object.hasOwn(attributes, key);
    if (isNewKey && this.attributeCount >= this.limits.attributeCountLimit) {
      this.droppedAttributesCount++;
      return this;
    }
    attributes[key] = this.valueLimited ? this.truncate(value) : value;
    if (isNewKey) this.attributeCount++;
    return this;
  }

  setAttributes(attributes: SpanAttributes): this {
    for (const key in attributes) {
      if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: SpanAttributes | TimeInput, timeStamp?: TimeInput): this {
    if (this.isEnded()) return this;
    const { eventCountLimit, attributePerEventCountLimit } = this.limits;
    if (eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEventsCount++;
      return this;
    }
    if (this.events === NO_EVENTS) this.events = [];
    if (this.events.length >= eventCountLimit) {
      if (this.droppedEventsCount === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEventsCount++;
    }
    let attributesIn: SpanAttributes | undefined;
    if (isTimeInput(attributesOrStartTime)) {
      if (!isTimeInput(timeStamp)) timeStamp = attributesOrStartTime;
    } else attributesIn = attributesOrStartTime;
    const [attributes, droppedAttributesCount] = this.limited(attributesIn, attributePerEventCountLimit);
    this.events.push({ name, attributes, time: this.time(timeStamp), droppedAttributesCount });
    return this;
  }

  addLink(link: Link): this {
    if (this.isEnded()) return this;
    const { linkCountLimit, attributePerLinkCountLimit } = this.limits;
    if (linkCountLimit === 0) {
      this.droppedLinksCount++;
      return this;
    }
    if (this.links === NO_LINKS) this.links = [];
    if (this.links.length >= linkCountLimit) {
      if (this.droppedLinksCount === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinksCount++;
    }
    const [attributes, droppedAttributesCount] = this.limited(link.attributes, attributePerLinkCountLimit);
    const processed: Link = { context: link.context };
    if (Object.keys(attributes).length > 0) processed.attributes = attributes;
    if (droppedAttributesCount > 0) processed.droppedAttributesCount = droppedAttributesCount;
    this.links.push(processed);
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.isEnded()) return this;
    if (status.code === SpanStatusCode.UNSET) return this;
    // OK is final.
    if (this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message != null)
        diag.warn(`Dropping invalid status.message of type '${typeof status.message}', expected 'string'`);
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.isEnded()) return this;
    this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diag.error(
        `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
      );
      return;
    }
    const start = this.startTime;
    let end: HrTime;
    let duration: HrTime;
    if (endTime == null && !this.startTimeProvided) {
      end = addMillis(start, Math.max(0, performance.now() - this.performanceStart));
      duration =
        end[1] >= start[1]
          ? hrTime(end[0] - start[0], end[1] - start[1])
          : hrTime(end[0] - start[0] - 1, end[1] - start[1] + 1e9);
    } else {
      end = this.time(endTime);
      let seconds = end[0] - start[0];
      let nanos = end[1] - start[1];
      if (nanos < 0) {
        seconds -= 1;
        nanos += 1e9;
      }
      duration = hrTime(seconds, nanos);
      if (seconds < 0) {
        diag.warn('Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.', start, end);
        end = hrTime(start[0], start[1]);
        duration = hrTime(0, 0);
      }
    }
    this.endTime = end;
    this.duration = duration;
    if (this.droppedEventsCount > 0)
      diag.warn(`Dropped ${this.droppedEventsCount} events because eventCountLimit reached`);
    if (this.droppedLinksCount > 0) diag.warn(`Dropped ${this.droppedLinksCount} links because linkCountLimit reached`);
    this.processor.onEnding?.(this);
    this.ended = true;
    this.processor.onEnd(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: SpanAttributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) this.addEvent('exception', attributes, time);
    else diag.warn(`Failed to record an exception ${exception}`);
  }

  private unshare(): void {
    this.own = this.attributes;
    this.shared = undefined;
    this.merged = undefined;
  }

  private isEnded(): boolean {
    if (this.ended)
      diag.warn(
        `Cannot execute the operation on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`,
      );
    return this.ended;
  }

  /** A time input as HrTime, as SpanImpl reads it: small numbers are performance timestamps, larger ones epoch ms. */
  private time(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number') {
      return input <= performance.now()
        ? millisToHrTime(input + this.performanceOffset + performance.timeOrigin)
        : millisToHrTime(input);
    }
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isHrTime(input)) return input;
    if (this.startTimeProvided) return millisToHrTime(Date.now());
    return addMillis(this.startTime, Math.max(0, performance.now() - this.performanceStart));
  }

  private limited(input: Attributes | undefined, limit: number): [Attributes, number] {
    const attributes: Attributes = {};
    if (input === undefined) return [attributes, 0];
    const sanitized = sanitizeAttributes(input);
    let count = 0;
    let dropped = 0;
    for (const key in sanitized) {
      if (!Object.hasOwn(sanitized, key)) continue;
      if (count >= limit) {
        dropped++;
        continue;
      }
      attributes[key] = this.truncate(sanitized[key] as AttributeValue);
      count++;
    }
    return [attributes, dropped];
  }

  private truncate(value: AttributeValue): AttributeValue {
    const limit = this.limits.attributeValueLengthLimit;
    if (limit === Number.POSITIVE_INFINITY) return value;
    if (limit <= 0) {
      diag.warn(`Attribute value limit must be positive, got ${limit}`);
      return value;
    }
    if (typeof value === 'string') return value.length <= limit ? value : value.substring(0, limit);
    if (Array.isArray(value))
      return value.map((v) =>
        typeof v === 'string' && v.length > limit ? v.substring(0, limit) : v,
      ) as AttributeValue;
    return value;
  }
}
