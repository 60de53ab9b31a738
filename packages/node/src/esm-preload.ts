// What the register entry points do for a target package that is ES module code (esm-hook.ts) instead of registering
// the ESM loader hook: load the package before the app runs and apply its official instrumentation's file patches to
// the modules that load evaluated. With the hook, every import of the app goes through Node's loader thread and
// import-in-the-middle rewrites each file of the package: a NestJS 12 hello-world took 1.1 s longer to its first
// response (`npm run bench:sdk:startup`). An ES module is evaluated once per URL, whether imported or required, so
// the app gets the same, already patched, classes; the patches (@nestjs/core's: `create` of two classes) change
// class prototypes, which an ES module's exports leave writable. Both entry points load with require() where Node
// can load ES modules that way (Node ≥ 20.19; synchronous, and the faster start); otherwise `--import` waits for
// import(), and `--require`, which cannot wait, falls back to the hook.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { warn } from './diagnostics.js';
import { type EsModulePackage, registerEsmHook } from './esm-hook.js';

/** The parts of an official instrumentation (InstrumentationBase of the pinned 0.223.x line) the preload uses. */
interface Preloadable {
  getModuleDefinitions(): InstrumentationModuleDefinition[];
  enable(): void;
  /** Applies the definition's patches to a loaded module or file, version checks included (internal, not typed). */
  _onRequire(definition: InstrumentationModuleDefinition, exports: unknown, name: string, baseDir: string): unknown;
}

/** Whether `instrumentation` exposes what the preload needs; where not, the ESM loader hook is the way. */
function isPreloadable(instrumentation: unknown): instrumentation is Preloadable {
  const i = instrumentation as Partial<Preloadable> | undefined;
  return (
    typeof i?.getModuleDefinitions === 'function' &&
    typeof i.enable === 'function' &&
    typeof i._onRequire === 'function'
  );
}

interface FileToLoad {
  readonly path: string;
  /** The instrumentation's patch of this file (none for the package's entry). */
  readonly patch?: { readonly definition: InstrumentationModuleDefinition; readonly name: string };
}

/**
 * The package's entry first, so that its own import order holds (@nestjs/core loads reflect-metadata before anything
 * else), then each file its instrumentation patches. The definition's own patch is left out: it stands for the
 * package's exports object, which an ES module namespace does not let anyone replace (@nestjs/core's only routes
 * CommonJS apps to the file patches).
 */
function filesToLoad(pkg: EsModulePackage, instrumentation: Preloadable): FileToLoad[] {
  const files: FileToLoad[] = [{ path: createRequire(join(pkg.dir, 'package.json')).resolve(pkg.name) }];
  for (const definition of instrumentation.getModuleDefinitions()) {
    if (definition.name !== pkg.name) continue;
    for (const file of definition.files) {
      const inside = file.name.slice(pkg.name.length + 1);
      files.push({ path: join(pkg.dir, inside), patch: { definition, name: file.name } });
    }
  }
  return files;
}

/** Enables the instrumentation (loaded disabled, so that nothing patched the package while it loaded) and patches. */
function patch(pkg: EsModulePackage, instrumentation: Preloadable, loaded: ReadonlyArray<[FileToLoad, unknown]>): void {
  instrumentation.enable();
  for (const [file, exports] of loaded) {
    if (file.patch) instrumentation._onRequire(file.patch.definition, exports, file.patch.name, pkg.dir);
  }
}

function couldNotPreload(pkg: EsModulePackage, err: unknown): void {
  warn(
    'SIGHTLINE_ERR_SDK_INSTRUMENTATION',
    `${pkg.name} (ES module code) could not be instrumented before the app started (${(err as Error).message}); the app runs without its spans.`,
  );
}

/** `--import` where require() could not load them: import(). Never rejects; a package that fails is named in a warning. */
async function importEsModules(packages: ReadonlyArray<[EsModulePackage, Preloadable]>): Promise<void> {
  for (const [pkg, instrumentation] of packages) {
    try {
      const loaded: Array<[FileToLoad, unknown]> = [];
      for (const file of filesToLoad(pkg, instrumentation)) {
        loaded.push([file, await import(pathToFileURL(file.path).href)]);
      }
      patch(pkg, instrumentation, loaded);
    } catch (err) {
      instrumentation.enable();
      couldNotPreload(pkg, err);
    }
  }
}

/**
 * Loads and patches with require() where Node loads ES modules that way (`process.features.require_module`); returns
 * the packages it could not load (for import(), or the ESM loader hook), their instrumentations still disabled.
 */
function requireEsModules(
  packages: ReadonlyArray<[EsModulePackage, Preloadable]>,
): Array<[EsModulePackage, Preloadable]> {
  if ((process.features as { require_module?: boolean }).require_module !== true) return [...packages];
  const left: Array<[EsModulePackage, Preloadable]> = [];
  for (const entry of packages) {
    const [pkg, instrumentation] = entry;
    try {
      const loaded: Array<[FileToLoad, unknown]> = [];
      for (const file of filesToLoad(pkg, instrumentation)) {
        loaded.push([file, createRequire(file.path)(file.path)]);
      }
      patch(pkg, instrumentation, loaded);
    } catch {
      // E.g. a package with top-level await, which require() cannot load: import() or the hook still patch it.
      left.push(entry);
    }
  }
  return left;
}

/**
 * Patches the ES module target packages before the app runs, each with its instrumentation (`instrumentations`, by
 * target package, loaded disabled): with require() where Node can (synchronous, and a faster start than import());
 * otherwise with import() when the entry point can wait for it (`canWait`: --import, whose top-level await the app's
 * entry runs after), else (--require) with the ESM loader hook. Settles when every package is patched; never rejects.
 */
export function patchEsModuleTargets(
  targets: readonly EsModulePackage[],
  instrumentations: ReadonlyMap<string, unknown>,
  canWait: boolean,
): Promise<void> {
  const preloads: Array<[EsModulePackage, Preloadable]> = [];
  const toHook: string[] = [];
  for (const pkg of targets) {
    const instrumentation = instrumentations.get(pkg.name);
    if (isPreloadable(instrumentation)) preloads.push([pkg, instrumentation]);
    else if (instrumentation !== undefined) {
      (instrumentation as { enable?(): void }).enable?.();
      toHook.push(pkg.name);
    }
  }
  const left = requireEsModules(preloads);
  let ready = Promise.resolve();
  if (canWait) ready = importEsModules(left);
  else
    for (const [pkg, instrumentation] of left) {
      instrumentation.enable();
      toHook.push(pkg.name);
    }
  registerEsmHook(toHook);
  return ready;
}
