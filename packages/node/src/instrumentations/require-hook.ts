// What we need to see as CommonJS modules load: the first load of a package (an official instrumentation is loaded
// just before it, not at start-up) and the loads of a module whose exports we wrap (pino).
// - One patch of Module.prototype.require: a string check per require (require-in-the-middle, by contrast, resolves
//   the filename of every require for each hook it installs).
// - A CommonJS package that an ES module imports is not required: Node compiles and loads it for the ES namespace
//   without Module.prototype.require. Patches of Module.prototype._compile and load (a check per module compiled, not
//   per require) see those loads too, so neither pino nor the official instrumentations of CommonJS packages need an
//   ESM loader hook: before the package's first file compiles, its instrumentation loads (and with it
//   require-in-the-middle, which then sees the package's own requires); once its main file has loaded, that file is
//   passed through require once, so require-in-the-middle patches it as if the app had required it.
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

/** Runs (once) what waits for the first load of `pkg`; false when nothing did. */
function runBeforeFirst(pkg: string): boolean {
  const callbacks = beforeFirst.get(pkg);
  if (callbacks === undefined) return false;
  beforeFirst.delete(pkg);
  for (const callback of callbacks) callback();
  return true;
}

function patchedRequire(this: NodeJS.Module, id: string): unknown {
  if (beforeFirst.size > 0 && typeof id === 'string') {
    const pkg = packageOf(id);
    if (pkg !== undefined && runBeforeFirst(pkg)) {
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
type LoadFn = (this: NodeJS.Module, filename: string) => unknown;
type ModuleProto = { _compile: CompileFn; load: LoadFn };
const packageTransforms = new Map<string, (exports: unknown) => unknown>();
/** Packages whose main file, once loaded, is passed through require (see the top of this file). */
const announced = new Map<string, number>();
const toAnnounce = new WeakSet<NodeJS.Module>();
/** Package directory → its main file, as `require(name)` resolves it from where the package is installed. */
const mainFiles = new Map<string, string | null>();
let originalCompile: CompileFn | undefined;
let originalLoad: LoadFn | undefined;
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

function isMainFile(pkg: { name: string; dir: string }, filename: string): boolean {
  let main = mainFiles.get(pkg.dir);
  if (main === undefined) {
    const installedIn = pkg.dir.slice(0, pkg.dir.lastIndexOf(NODE_MODULES));
    try {
      main = createRequire(join(installedIn, '__sightline_resolve__.js')).resolve(pkg.name);
    } catch {
      main = null;
    }
    mainFiles.set(pkg.dir, main);
  }
  return main === filename;
}

function patchedCompile(this: NodeJS.Module, content: string, filename: string): unknown {
  const watching = beforeFirst.size > 0 || packageTransforms.size > 0 || announced.size > 0;
  const pkg = watching && typeof filename === 'string' ? packageOfFile(filename) : undefined;
  if (pkg !== undefined) runBeforeFirst(pkg.name);
  // biome-ignore lint/complexity/noArguments: _compile's own arguments, forwarded as they came
  const result = (originalCompile as CompileFn).apply(this, arguments as unknown as [string, string]);
  if (pkg === undefined) return result;
  const transform = packageTransforms.get(pkg.name);
  const announce = announced.has(pkg.name);
  if ((transform !== undefined || announce) && isMainFile(pkg, filename)) {
    if (transform !== undefined) {
      try {
        this.exports = transform(this.exports);
      } catch {
        // the app's module loads as it is
      }
    }
    if (announce) toAnnounce.add(this);
  }
  return result;
}

function patchedLoad(this: NodeJS.Module, filename: string): unknown {
  // biome-ignore lint/complexity/noArguments: load's own arguments, forwarded as they came
  const result = (originalLoad as LoadFn).apply(this, arguments as unknown as [string]);
  if (toAnnounce.has(this)) {
    toAnnounce.delete(this);
    try {
      // From the module itself: a cache hit, answered by whatever hooks Module.prototype.require now.
      (Module.prototype.require as RequireFn).call(this, this.filename);
    } catch {
      // the app's module stays loaded as it is
    }
  }
  return result;
}

function installLoadHooks(): void {
  const proto = Module.prototype as unknown as ModuleProto;
  if (originalCompile !== undefined) return;
  originalCompile = proto._compile;
  originalLoad = proto.load;
  proto._compile = patchedCompile;
  proto.load = patchedLoad;
}

function uninstallLoadHooksIfIdle(): void {
  if (beforeFirst.size > 0 || packageTransforms.size > 0 || announced.size > 0 || originalCompile === undefined) return;
  const proto = Module.prototype as unknown as ModuleProto;
  // Someone may have patched over us since: then we stay in their chain, as a pass-through.
  if (proto._compile === patchedCompile && proto.load === patchedLoad) {
    proto._compile = originalCompile;
    proto.load = originalLoad as LoadFn;
    originalCompile = undefined;
    originalLoad = undefined;
  }
}

/**
 * The exports of `pkg`'s main file become `transform(exports)` as it loads, however it is loaded: require, an ES
 * `import` or `import()`. The transform must be idempotent; if it throws, the exports stay as they are.
 */
export function transformPackage(pkg: string, transform: (exports: unknown) => unknown): () => void {
  installLoadHooks();
  packageTransforms.set(pkg, transform);
  return () => {
    if (packageTransforms.get(pkg) === transform) packageTransforms.delete(pkg);
    uninstallLoadHooksIfIdle();
  };
}

/**
 * Runs `callback` once, just before `pkg` first loads: its first require (or of a file in it), or the compilation of
 * its first file when an ES module imports it. Once its main file has loaded, that file is passed through require,
 * so a require hook the callback installed sees it however it was loaded. Callbacks must not throw.
 */
export function beforeFirstLoad(pkg: string, callback: () => void): () => void {
  install();
  installLoadHooks();
  const list = beforeFirst.get(pkg) ?? [];
  list.push(callback);
  beforeFirst.set(pkg, list);
  announced.set(pkg, (announced.get(pkg) ?? 0) + 1);
  let undone = false;
  return () => {
    if (undone) return;
    undone = true;
    const current = beforeFirst.get(pkg);
    if (current) {
      const rest = current.filter((c) => c !== callback);
      if (rest.length > 0) beforeFirst.set(pkg, rest);
      else beforeFirst.delete(pkg);
    }
    const count = (announced.get(pkg) ?? 1) - 1;
    if (count > 0) announced.set(pkg, count);
    else announced.delete(pkg);
    uninstallIfIdle();
    uninstallLoadHooksIfIdle();
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
