// Correlation and OTLP emission as pino options: shared by our logger and the hook that wraps pino instances the
// app creates. Types only from pino, so the register path does not load pino for an app that never requires it.
import type { Logger, LoggerOptions } from 'pino';
import { emitPinoCall, enterLogCall, exitLogCall, injectCorrelation } from './log-correlation.js';

/** Marks options that already carry our hooks, so the wrapped pino factory passes them through unchanged. */
export const kCorrelated = Symbol.for('sightline.pino.correlated');

export function isCorrelated(options: unknown): boolean {
  return options !== null && typeof options === 'object' && (options as Record<symbol, unknown>)[kCorrelated] === true;
}

type LogMethodHook = NonNullable<NonNullable<LoggerOptions['hooks']>['logMethod']>;

/**
 * Adds correlation (streamWrite hook) and OTLP emission to pino options, keeping the app's own. The logMethod hook
 * reads the active span once for the call (its record and its line) and, with `otlp`, emits the record.
 */
export function correlatedPinoOptions<T extends LoggerOptions>(options: T, otlp = true): T {
  const userStreamWrite = options.hooks?.streamWrite;
  const streamWrite = userStreamWrite ? (s: string) => injectCorrelation(userStreamWrite(s)) : injectCorrelation;
  const userLogMethod = options.hooks?.logMethod;
  const logMethod: LogMethodHook = function (this: Logger, args, method, level) {
    const outer = enterLogCall();
    try {
      if (otlp) emitPinoCall(args, level);
      return userLogMethod ? userLogMethod.call(this, args, method, level) : method.apply(this, args);
    } finally {
      exitLogCall(outer);
    }
  };
  const correlated = { ...options, hooks: { ...options.hooks, streamWrite, logMethod } };
  Object.defineProperty(correlated, kCorrelated, { value: true });
  return correlated;
}
