// pino instances the app creates itself get the same correlation fields and OTLP records as our logger: pino's
// exports are wrapped as the module loads, whether it is required or imported (pino is CommonJS), so no ESM loader
// hook is needed for it.
import { correlatedPinoOptions, isCorrelated } from '../pino-options.js';
import { transformPackage, transformRequire } from './require-hook.js';

type PinoFactory = ((...args: unknown[]) => unknown) & Record<string, unknown>;
const kWrappedPino = Symbol.for('sightline.pino.wrapped');

function isStream(v: unknown): boolean {
  return v !== null && typeof v === 'object' && typeof (v as { write?: unknown }).write === 'function';
}

export function wrapPinoFactory(original: PinoFactory): PinoFactory {
  if (original[kWrappedPino as unknown as string]) return original;
  const wrapped = function pino(this: unknown, ...args: unknown[]): unknown {
    const [first] = args;
    if (args.length === 0 || first === undefined)
      return original.call(this, correlatedPinoOptions({}), ...args.slice(1));
    if (isStream(first) && args.length === 1) return original.call(this, correlatedPinoOptions({}), first);
    // Options from our createLogger() already carry the hooks: adding them again would emit every record twice.
    if (isCorrelated(first)) return original.apply(this, args);
    if (first !== null && typeof first === 'object' && !isStream(first)) {
      return original.call(this, correlatedPinoOptions(first as object), ...args.slice(1));
    }
    return original.apply(this, args);
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
