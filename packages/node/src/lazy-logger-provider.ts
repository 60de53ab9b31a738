// The global LoggerProvider for the OTel Logs API (winston, other libraries, the app): @opentelemetry/sdk-logs loads
// on the first record, not at start-up. pino records do not come through here at all (see log-correlation.ts).
import type { Logger, LoggerOptions, LoggerProvider, LogRecord } from '@opentelemetry/api-logs';
import type { LoggerProvider as SdkLoggerProvider } from '@opentelemetry/sdk-logs';

export class LazyLoggerProvider implements LoggerProvider {
  private sdk: SdkLoggerProvider | undefined;

  constructor(private readonly create: () => SdkLoggerProvider) {}

  private provider(): SdkLoggerProvider {
    this.sdk ??= this.create();
    return this.sdk;
  }

  getLogger(name: string, version?: string, options?: LoggerOptions): Logger {
    let logger: Logger | undefined;
    const real = (): Logger => {
      logger ??= this.provider().getLogger(name, version, options);
      return logger;
    };
    return {
      emit: (record: LogRecord): void => real().emit(record),
      enabled: (opts): boolean => real().enabled(opts),
    };
  }

  forceFlush(): Promise<void> {
    return this.sdk?.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.sdk?.shutdown() ?? Promise.resolve();
  }
}
