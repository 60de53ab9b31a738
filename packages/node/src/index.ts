// Public API of @sightline/node. Everything else is internal.

export { context, trace } from '@opentelemetry/api';
export type { ExporterKind, Protocol, SamplerName, SightlineOptions, SignalOptions } from './config.js';
export { extractContext, injectContext } from './context-carrier.js';
export { SightlineConfigError } from './diagnostics.js';
export type { CreateLoggerOptions, Logger } from './logger.js';
export { createLogger, logger } from './logger.js';
export { counter, gauge, histogram, meter, upDownCounter } from './meter-helpers.js';
export type { SightlineHandle } from './sdk.js';
export { activeConfig, init } from './sdk.js';
export { recordError, traced, withSpan } from './span-helpers.js';
