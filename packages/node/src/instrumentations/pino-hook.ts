// pino instances the app creates itself get the same correlation fields and OTLP records as our logger: pino's
// exports are wrapped as the module loads, whether it is required or imported (pino is CommonJS), so no ESM loader
// hook is needed for it.
import { diag } from '@opentelemetry/api';
import { correlatePino, isCorrelated, type PinoSymbols } from '../pino-correlation.js';
import { transformPackage, transformRequire } from './require-hook.js';

type PinoFactory = ((...args: unknown[]) => unknown) & Record<string, unknown>;
const kWrappedPino = Symbol.for('sightline.pino.wrapped');

export function wrapPinoFactory(original: PinoFactory): PinoFactory {
  if (original[kWrappedPino as unknown as string]) return original;
  const symbols = original.symbols as PinoSymbols | undefined;
  let warned = false;
  const wrapped = function pino(this: unknown, ...args: unknown[]): unknown {
    const logger = original.apply(this, args);
    // Options from our createLogger(): it correlates the logger itself (with its own `otlp` setting).
    if (isCorrelated(args[0]) || logger === null || typeof logger !== 'object') return logger;
    if (!correlatePino(logger, symbols, true) && !warned) {
      warned = true;
      diag.warn(
        'pino: this version does not export the symbols correlation needs (pino 6 or later does); its lines carry no trace ids',
      );
    }
    return logger;
  } as PinoFactory;
  Object.assign(wrapped, original);
  wrapped.default = wrapped;
  wrapped.pino = wrapped;
  Object.defineProperty(wrapped, kWrappedPino, { value: true });
  return wrapped;
}

export function installPinoHook(): () => void {
  // One wrapper per pino copy (an app can resolve several), the same one for every require or import of it.
  const wrappers = new WeakMap<object, unknown>();
  const wrap = (exports: unknown): unknown => {
    if (typeof exports !== 'function') return exports;
    let wrapped = wrappers.get(exports);
    if (wrapped === undefined) {
      wrapped = wrapPinoFactory(exports as PinoFactory);
      wrappers.set(exports, wrapped);
    }
    return wrapped;
  };
  // As pino loads (require, `import pino from 'pino'`, `import()`), and at every require('pino') of a copy that was
  // loaded before init().
  const unhookLoad = transformPackage('pino', wrap);
  const unhookRequire = transformRequire('pino', wrap);
  return () => {
    unhookLoad();
    unhookRequire();
  };
}
