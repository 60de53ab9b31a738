// Correlation and OTLP records for a pino logger, shared by our logger and the hook that wraps pino instances the
// app creates. pino exports the symbols of its instance state and methods (`pino.symbols`) "so that methods can be
// overridden or proxied for performant integration": the logger's internal write method is proxied, which sees the
// merge object, the formatted message and the level of every call, whichever method made it, and child loggers
// inherit it. Nothing here loads pino: the register path must not load it for an app that never requires it.
import { correlationFields, emitPinoRecord, enterLogCall, exitLogCall, injectCorrelation } from './log-correlation.js';

/** The members of `pino.symbols` used here (pino 6 and later). */
export interface PinoSymbols {
  readonly writeSym: symbol;
  readonly timeSym: symbol;
  readonly streamSym: symbol;
  readonly hooksSym: symbol;
}

type Write = (this: unknown, obj: unknown, msg: unknown, level: number) => unknown;
type Time = (this: unknown) => string;

const kCorrelatedOptions = Symbol.for('sightline.pino.correlatedOptions');
const kCorrelatedLogger = Symbol.for('sightline.pino.correlated');
/** pino.multistream and streams like it read the time fragment back from the logger (`stream.lastTime`). */
const kNeedsMetadata = Symbol.for('pino.metadata');

const kCorrelatedStream = Symbol.for('sightline.pino.correlatedStream');

/**
 * For pino before 9 (no streamWrite hook): the ids go in front of each line the stream's own write method receives.
 * Once per stream object, which the logger's children (and other loggers given the same stream) share.
 */
function correlateStreamWrites(stream: Record<string | symbol, unknown>): void {
  const write = stream.write;
  if (stream[kCorrelatedStream] === true || typeof write !== 'function') return;
  stream.write = function correlatedStreamWrite(this: unknown, line: unknown): unknown {
    return write.call(this, typeof line === 'string' ? injectCorrelation(line) : line);
  };
  Object.defineProperty(stream, kCorrelatedStream, { value: true });
}

/** Marks options whose logger the caller correlates itself: the wrapped pino factory leaves such a logger alone. */
export function markCorrelated<T extends object>(options: T): T {
  Object.defineProperty(options, kCorrelatedOptions, { value: true });
  return options;
}

export function isCorrelated(options: unknown): boolean {
  return (
    options !== null && typeof options === 'object' && (options as Record<symbol, unknown>)[kCorrelatedOptions] === true
  );
}

/**
 * Every line `logger` (or a child of it) writes while a span is active carries its trace_id/span_id/trace_flags, and
 * with `otlp` every call is also sent as an OTLP log record. The active span is read once per call, for both. The ids
 * follow the time in the line pino builds (pino's time function runs first in its write), so the finished line is not
 * taken apart again; for a stream that reads the time back they go in front of the finished line instead, through
 * pino's streamWrite hook (pino 9 and later) or the stream's write method (pino 6 to 8). Returns
 * false (the logger unchanged) when it lacks pino's symbols.
 */
export function correlatePino(logger: object, symbols: PinoSymbols | undefined, otlp: boolean): boolean {
  const state = logger as Record<symbol, unknown>;
  if (state[kCorrelatedLogger] === true) return true;
  if (!symbols) return false;
  const write = state[symbols.writeSym];
  const time = state[symbols.timeSym];
  const hooks = state[symbols.hooksSym];
  if (typeof write !== 'function' || typeof time !== 'function' || hooks === null || typeof hooks !== 'object')
    return false;
  state[symbols.writeSym] = function correlatedWrite(this: unknown, obj: unknown, msg: unknown, level: number) {
    const outer = enterLogCall();
    try {
      if (otlp) emitPinoRecord(obj, msg, level);
      return (write as Write).call(this, obj, msg, level);
    } finally {
      exitLogCall(outer);
    }
  };
  const stream = state[symbols.streamSym] as Record<string | symbol, unknown> | undefined;
  if (stream?.[kNeedsMetadata] === true) {
    // pino 9 and later have the hook (its key is there even when unset); pino 6 to 8 call stream.write directly.
    if ('streamWrite' in hooks) {
      const userStreamWrite = (hooks as { streamWrite?: (line: string) => string }).streamWrite;
      state[symbols.hooksSym] = {
        ...hooks,
        streamWrite: userStreamWrite ? (line: string) => injectCorrelation(userStreamWrite(line)) : injectCorrelation,
      };
    } else correlateStreamWrites(stream);
  } else {
    state[symbols.timeSym] = function correlatedTime(this: unknown): string {
      return (time as Time).call(this) + correlationFields();
    };
  }
  Object.defineProperty(logger, kCorrelatedLogger, { value: true });
  return true;
}
