// One patch of Module.prototype.require for what we need to see as CommonJS modules load: the first require of a
// package (an official instrumentation is loaded just before it, not at start-up), and every require of a module
// whose exports we wrap (pino). It costs a string check per require; require-in-the-middle, by contrast, resolves
// the filename of every require for each hook it installs.
// A CommonJS package that an ES module imports is not required: Node loads it without Module.prototype.require and
// takes its exports for the ES namespace when the module has run. transformPackage() sees those loads too, with one
// patch of Module.prototype._compile (a check per module compiled, not per require), so pino needs no ESM loader hook.
import Module, { createRequire } from 'node:module';
import { join, sep } from 'node:path';

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

type CompileFn = (this: NodeJS.Module, content: string, filename: string) => unknown;
const packageTransforms = new Map<string, (exports: unknown) => unknown>();
/** Package directory → its main file, as `require(name)` resolves it from where the package is installed. */
const mainFiles = new Map<string, string | null>();
let originalCompile: CompileFn | undefined;
const NODE_MODULES = `${sep}node_modules${sep}`;

/** The package a file under node_modules belongs to, with the package's directory; else undefined. */
export function packageOfFile(filename: string): { name: string; dir: string } | undefined {
  const at = filename.lastIndexOf(NODE_MODULES);
  if (at === -1) return undefined;
  const start = at + NODE_MODULES.length;
  let end = filename.indexOf(sep, start);
  if (end !== -1 && filename.charCodeAt(start) === 64 /* @ */) end = filename.indexOf(sep, end + 1);
  if (end === -1) return undefined;
  return { name: filename.slice(start, end).split(sep).join('/'), dir: filename.slice(0, end) };
}

function mainFileOf(name: string, dir: string, installedIn: string): string | null {
  let main = mainFiles.get(dir);
  if (main === undefined) {
    try {
      main = createRequire(join(installedIn, '__sightline_resolve__.js')).resolve(name);
    } catch {
      main = null;
    }
    mainFiles.set(dir, main);
  }
  return main;
}

function patchedCompile(this: NodeJS.Module, content: string, filename: string): unknown {
  // biome-ignore lint/complexity/noArguments: _compile's own arguments, forwarded as they came
  const result = (originalCompile as CompileFn).apply(this, arguments as unknown as [string, string]);
  if (packageTransforms.size > 0 && typeof filename === 'string') {
    const pkg = packageOfFile(filename);
    const transform = pkg && packageTransforms.get(pkg.name);
    if (
      pkg &&
      transform &&
      mainFileOf(pkg.name, pkg.dir, filename.slice(0, filename.lastIndexOf(NODE_MODULES))) === filename
    )
      this.exports = transform(this.exports);
  }
  return result;
}

/**
 * The exports of `pkg`'s main file become `transform(exports)` as it loads, however it is loaded: require, an ES
 * `import` or `import()`. The transform must be idempotent and must not throw.
 */
export function transformPackage(pkg: string, transform: (exports: unknown) => unknown): () => void {
  const proto = Module.prototype as unknown as { _compile: CompileFn };
  if (originalCompile === undefined) {
    originalCompile = proto._compile;
    proto._compile = patchedCompile;
  }
  packageTransforms.set(pkg, transform);
  return () => {
    if (packageTransforms.get(pkg) === transform) packageTransforms.delete(pkg);
    if (packageTransforms.size > 0 || originalCompile === undefined) return;
    // Someone may have patched over us since: then we stay in their chain, as a pass-through.
    if (proto._compile === patchedCompile) {
      proto._compile = originalCompile;
      originalCompile = undefined;
    }
  };
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
