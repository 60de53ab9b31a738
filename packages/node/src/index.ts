// Public API of @sightline/node. Everything else is internal.
export { init, activeConfig } from './sdk.js';
export type { SightlineHandle } from './sdk.js';
export type { SightlineOptions, SignalOptions, Protocol, ExporterKind, SamplerName } from './config.js';
export { SightlineConfigError } from './diagnostics.js';
export { logger, createLogger } from './logger.js';
export type { CreateLoggerOptions, Logger } from './logger.js';
export { withSpan, traced, recordError } from './span-helpers.js';
export { injectContext, extractContext } from './context-carrier.js';
export { counter, upDownCounter, gauge, histogram, meter } from './meter-helpers.js';
export { trace, context } from '@opentelemetry/api';
