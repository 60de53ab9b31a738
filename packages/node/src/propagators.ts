// OTEL_PROPAGATORS → the global propagator. B3 and Jaeger load only when asked for.
import type { TextMapPropagator } from '@opentelemetry/api';
import type { PropagatorName } from './config.js';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from './sdk-files.js';

function create(name: Exclude<PropagatorName, 'none'>): TextMapPropagator {
  switch (name) {
    case 'tracecontext':
      return new W3CTraceContextPropagator();
    case 'baggage':
      return new W3CBaggagePropagator();
    case 'jaeger': {
      const { JaegerPropagator } =
        require('@opentelemetry/propagator-jaeger') as typeof import('@opentelemetry/propagator-jaeger');
      return new JaegerPropagator();
    }
    default: {
      const { B3Propagator, B3InjectEncoding } =
        require('@opentelemetry/propagator-b3') as typeof import('@opentelemetry/propagator-b3');
      return new B3Propagator({
        injectEncoding: name === 'b3multi' ? B3InjectEncoding.MULTI_HEADER : B3InjectEncoding.SINGLE_HEADER,
      });
    }
  }
}

/** Injects every listed format; extracts with each in order (a later one wins where both find a context). */
export function createPropagator(names: readonly PropagatorName[]): TextMapPropagator {
  const propagators = names.filter((n): n is Exclude<PropagatorName, 'none'> => n !== 'none').map(create);
  return new CompositePropagator({ propagators });
}
