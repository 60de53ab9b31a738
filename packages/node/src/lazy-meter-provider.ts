// The global MeterProvider: @opentelemetry/sdk-metrics (dozens of modules to compile) loads when the app creates its
// first instrument, when init() schedules it shortly after start-up, or at the first flush — not on the way to the
// first served request. Instruments are the SDK's own; only getMeter() is deferred.
import type { Meter, MeterOptions, MeterProvider } from '@opentelemetry/api';
import { createNoopMeter } from '@opentelemetry/api';
import type { MeterProvider as SdkMeterProvider } from '@opentelemetry/sdk-metrics';
import { warn } from './diagnostics.js';

export class LazyMeterProvider implements MeterProvider {
  private sdk: SdkMeterProvider | undefined;
  private failed = false;

  /** `create` builds the SDK provider; `onLoad` runs once right after (our own instruments register there). */
  constructor(
    private readonly create: () => SdkMeterProvider,
    private readonly onLoad: (provider: SdkMeterProvider) => void = () => {},
  ) {}

  get loaded(): boolean {
    return this.sdk !== undefined;
  }

  /**
   * The SDK provider, built now if it was not yet. Never throws (this may run in a timer or inside the app's own
   * instrument creation): a failure is one warning, and metrics are off from then on.
   */
  load(): SdkMeterProvider | undefined {
    if (this.sdk === undefined && !this.failed) {
      try {
        this.sdk = this.create();
        this.onLoad(this.sdk);
      } catch (err) {
        this.failed = true;
        warn(
          'SIGHTLINE_ERR_SDK_METRICS',
          `metrics could not start (${(err as Error).message}); the app runs without them.`,
        );
      }
    }
    return this.sdk;
  }

  getMeter(name: string, version?: string, options?: MeterOptions): Meter {
    let meter: Meter | undefined;
    const real = (): Meter => {
      meter ??= this.load()?.getMeter(name, version, options) ?? createNoopMeter();
      return meter;
    };
    return {
      createGauge: (n, o) => real().createGauge(n, o),
      createHistogram: (n, o) => real().createHistogram(n, o),
      createCounter: (n, o) => real().createCounter(n, o),
      createUpDownCounter: (n, o) => real().createUpDownCounter(n, o),
      createObservableGauge: (n, o) => real().createObservableGauge(n, o),
      createObservableCounter: (n, o) => real().createObservableCounter(n, o),
      createObservableUpDownCounter: (n, o) => real().createObservableUpDownCounter(n, o),
      addBatchObservableCallback: (cb, observables) => real().addBatchObservableCallback(cb, observables),
      removeBatchObservableCallback: (cb, observables) => real().removeBatchObservableCallback(cb, observables),
    };
  }

  /** Loads the SDK if needed: what our own producers (the HTTP duration histogram) hold must still be exported. */
  forceFlush(): Promise<void> {
    return this.load()?.forceFlush() ?? Promise.resolve();
  }

  shutdown(): Promise<void> {
    return this.load()?.shutdown() ?? Promise.resolve();
  }
}
