// pino instances the app creates itself get the same correlation fields and OTLP records as our logger:
// require('pino') is wrapped through our require hook, `import pino from 'pino'` through import-in-the-middle
// (when the ESM loader hook was registered by `--import @sightline/node/register`).
import { correlatedPinoOptions, isCorrelated } from '../pino-options.js';
import { transformRequire } from './require-hook.js';

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
  // One wrapper per pino copy (an app can resolve several), the same one for every require of it.
  const wrappers = new WeakMap<object, unknown>();
  const unhookCjs = transformRequire('pino', (exports) => {
    if (typeof exports !== 'function') return exports;
    let wrapped = wrappers.get(exports);
    if (wrapped === undefined) {
      wrapped = wrapPinoFactory(exports as PinoFactory);
      wrappers.set(exports, wrapped);
    }
    return wrapped;
  });
  let unhookEsm: (() => void) | undefined;
  if ((globalThis as Record<symbol, unknown>)[Symbol.for('sightline.iitm')] === true) {
    const iitm = require('import-in-the-middle') as {
      Hook: new (modules: string[], fn: (exports: Record<string, unknown>) => unknown) => { unhook(): void };
    };
    const h = new iitm.Hook(['pino'], (exports) => {
      const original = (exports.default ?? exports.pino) as PinoFactory | undefined;
      if (typeof original !== 'function') return exports;
      const wrapped = wrapPinoFactory(original);
      exports.default = wrapped;
      if ('pino' in exports) exports.pino = wrapped;
      return exports;
    });
    unhookEsm = () => h.unhook();
  }
  return () => {
    unhookCjs();
    unhookEsm?.();
  };
}
