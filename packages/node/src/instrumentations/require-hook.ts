// One patch of Module.prototype.require for what we need to see as CommonJS modules load: the first require of a
// package (an official instrumentation is loaded just before it, not at start-up), and every require of a module
// whose exports we wrap (pino). It costs a string check per require; require-in-the-middle, by contrast, resolves
// the filename of every require for each hook it installs.
import Module from 'node:module';

type RequireFn = (this: NodeJS.Module, id: string) => unknown;

const beforeFirst = new Map<string, Array<() => void>>();
const transforms = new Map<string, (exports: unknown) => unknown>();
let original: RequireFn | undefined;

/** The package a bare specifier names ('pg' for 'pg/lib/client', '@nestjs/core' for '@nestjs/core/x'), else undefined. */
export function packageOf(id: string): string | undefined {
  const c = id.charCodeAt(0);
  if (c === 46 /* . */ || c === 47 /* / */ || id.startsWith('node:')) return undefined;
  const slash = id.indexOf('/');
  if (c === 64 /* @ */) {
    if (slash === -1) return undefined;
    const second = id.indexOf('/', slash + 1);
    return second === -1 ? id : id.slice(0, second);
  }
  return slash === -1 ? id : id.slice(0, slash);
}

function patchedRequire(this: NodeJS.Module, id: string): unknown {
  if (beforeFirst.size > 0 && typeof id === 'string') {
    const pkg = packageOf(id);
    const callbacks = pkg === undefined ? undefined : beforeFirst.get(pkg);
    if (pkg !== undefined && callbacks !== undefined) {
      beforeFirst.delete(pkg);
      for (const callback of callbacks) callback();
      // Again through Module.prototype.require: a hook a callback just installed (require-in-the-middle, under the
      // official instrumentations) sees this very load.
      // biome-ignore lint/complexity/noArguments: require's own arguments, forwarded as they came
      return (Module.prototype.require as RequireFn).apply(this, arguments as unknown as [string]);
    }
  }
  // biome-ignore lint/complexity/noArguments: see above
  const exports = (original as RequireFn).apply(this, arguments as unknown as [string]);
  if (transforms.size > 0) {
    const transform = transforms.get(id);
    if (transform !== undefined) return transform(exports);
  }
  return exports;
}

function install(): void {
  if (original !== undefined) return;
  original = Module.prototype.require as RequireFn;
  Module.prototype.require = patchedRequire as typeof Module.prototype.require;
}

function uninstallIfIdle(): void {
  if (beforeFirst.size > 0 || transforms.size > 0 || original === undefined) return;
  // Someone may have patched over us since: then we stay in their chain, as a pass-through.
  if (Module.prototype.require === (patchedRequire as unknown)) {
    Module.prototype.require = original as typeof Module.prototype.require;
    original = undefined;
  }
}

/** Runs `callback` once, just before the first require of `pkg` (or of a file in it). Callbacks must not throw. */
export function beforeFirstRequire(pkg: string, callback: () => void): () => void {
  install();
  const list = beforeFirst.get(pkg) ?? [];
  list.push(callback);
  beforeFirst.set(pkg, list);
  return () => {
    const current = beforeFirst.get(pkg);
    if (current) {
      const rest = current.filter((c) => c !== callback);
      if (rest.length > 0) beforeFirst.set(pkg, rest);
      else beforeFirst.delete(pkg);
    }
    uninstallIfIdle();
  };
}

/** Every `require(id)` (exactly that specifier) returns `transform(exports)`; the transform must be idempotent. */
export function transformRequire(id: string, transform: (exports: unknown) => unknown): () => void {
  install();
  transforms.set(id, transform);
  return () => {
    if (transforms.get(id) === transform) transforms.delete(id);
    uninstallIfIdle();
  };
}
