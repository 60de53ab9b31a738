/**
 * The slice of `@sightline/node` the demo services use. The services run with
 * `--import @sightline/node/register`, so the SDK is already started when this loads; we only
 * use its public helpers, exactly as a user's service would.
 */
import type { Attributes, Context } from '@opentelemetry/api';
import type { Logger } from 'pino';

interface SightlineNodeApi {
  logger: Logger;
  withSpan<T>(name: string, attributes: Attributes | undefined, fn: () => T): T;
  recordError(error: unknown): void;
  injectContext<C extends Record<string, unknown>>(carrier: C): C;
  extractContext(carrier: Record<string, unknown>): Context;
}

const sdk = require('@sightline/node') as SightlineNodeApi;

export const logger: Logger = sdk.logger;
export const withSpan: SightlineNodeApi['withSpan'] = (name, attributes, fn) => sdk.withSpan(name, attributes, fn);
export const recordError: SightlineNodeApi['recordError'] = (error) => sdk.recordError(error);
export const injectContext: SightlineNodeApi['injectContext'] = (carrier) => sdk.injectContext(carrier);
export const extractContext: SightlineNodeApi['extractContext'] = (carrier) => sdk.extractContext(carrier);
