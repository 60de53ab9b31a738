// The ready pino logger and createLogger(): JSON lines on stdout (pretty on a dev TTY) carrying trace_id/span_id/
// trace_flags of the active span, and the same record as OTLP.
import type { Writable } from 'node:stream';
import type { DestinationStream, Logger, LoggerOptions } from 'pino';
import pino from 'pino';
import { correlatePino, markCorrelated } from './pino-correlation.js';

export type { Logger } from 'pino';

export interface CreateLoggerOptions extends LoggerOptions {
  /** Human-readable lines instead of JSON (default: stdout is a TTY and NODE_ENV is not production). */
  pretty?: boolean;
  /** Also send records as OTLP log records (default true). */
  otlp?: boolean;
}

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const SKIP = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'trace_id', 'span_id', 'trace_flags']);

/** Minimal dev formatter: `12:00:01 INFO  message key=value [trace 4bf92f35…]`. */
function prettyStream(out: Writable): DestinationStream {
  return {
    write(line: string) {
      try {
        const rec = JSON.parse(line) as Record<string, unknown>;
        const time = new Date(Number(rec.time)).toISOString().slice(11, 19);
        const extra = Object.keys(rec)
          .filter((k) => !SKIP.has(k))
          .map((k) => `${k}=${typeof rec[k] === 'string' ? rec[k] : JSON.stringify(rec[k])}`)
          .join(' ');
        const traceTag = rec.trace_id ? ` [trace ${String(rec.trace_id).slice(0, 8)}…]` : '';
        out.write(
          `${time} ${LEVEL_NAMES[Number(rec.level)] ?? rec.level} ${rec.msg ?? ''}${extra ? ` ${extra}` : ''}${traceTag}\n`,
        );
      } catch {
        out.write(line);
      }
    },
  };
}

export function createLogger(options: CreateLoggerOptions = {}, destination?: DestinationStream): Logger {
  const { pretty, otlp, ...pinoOptions } = options;
  const usePretty = pretty ?? (Boolean(process.stdout.isTTY) && process.env.NODE_ENV !== 'production');
  // Marked: the wrapped pino factory (when init() has run) must not correlate this logger with its own settings.
  const opts = markCorrelated({ level: process.env.LOG_LEVEL ?? 'info', ...pinoOptions } as LoggerOptions);
  let instance: Logger;
  if (destination) instance = pino(opts, destination);
  else instance = usePretty ? pino(opts, prettyStream(process.stdout)) : pino(opts);
  correlatePino(instance, pino.symbols, otlp ?? true);
  return instance;
}

/** The ready logger: `import { logger } from '@sightline/node'`. */
export const logger: Logger = createLogger();
