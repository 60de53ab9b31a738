// What `--import @sightline/node/register` does for a target package that is ES module code (esm-hook.ts) instead of
// registering the ESM loader hook: it imports the package before the app runs and applies the package's file patches
// of its official instrumentation to the modules that import evaluated. With the hook, every import of the app goes
// through Node's loader thread and import-in-the-middle rewrites each file of the package: a NestJS 12 hello-world took
// 1.1 s longer to its first response (`npm run bench:sdk:startup`). An ES module is evaluated once per URL, so the
// app's own import gets the same, already patched, classes; the patches (@nestjs/core's: `create` of two classes)
// change class prototypes, which an ES module's exports leave writable.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { warn } from './diagnostics.js';
import type { EsModulePackage } from './esm-hook.js';

/** The parts of an official instrumentation (InstrumentationBase of the pinned 0.223.x line) the preload uses. */
export interface Preloadable {
  getModuleDefinitions(): InstrumentationModuleDefinition[];
  /** Applies the definition's patches to a loaded module or file, version checks included (internal, not typed). */
  _onRequire(definition: InstrumentationModuleDefinition, exports: unknown, name: string, baseDir: string): unknown;
}

/** Whether `instrumentation` exposes what the preload needs; where not, the ESM loader hook is the way. */
export function isPreloadable(instrumentation: unknown): instrumentation is Preloadable {
  const i = instrumentation as Partial<Preloadable> | undefined;
  return typeof i?.getModuleDefinitions === 'function' && typeof i._onRequire === 'function';
}

/**
 * Imports each package (its own entry first, so its import order holds: @nestjs/core loads reflect-metadata before
 * anything else), then each file its instrumentation patches, and patches them. Never rejects: a package that cannot be
 * preloaded is named in a warning and runs without those patches.
 */
export async function preloadEsModules(packages: ReadonlyArray<[EsModulePackage, Preloadable]>): Promise<void> {
  for (const [pkg, instrumentation] of packages) {
    try {
      const main = createRequire(join(pkg.dir, 'package.json')).resolve(pkg.name);
      await import(pathToFileURL(main).href);
      for (const definition of instrumentation.getModuleDefinitions()) {
        if (definition.name !== pkg.name) continue;
        // The definition's own patch is left out: it stands for the package's exports object, which an ES module
        // namespace does not let anyone replace (@nestjs/core's only routes CommonJS apps to the file patches).
        for (const file of definition.files) {
          const inside = file.name.slice(pkg.name.length + 1);
          const exports = await import(pathToFileURL(join(pkg.dir, inside)).href);
          instrumentation._onRequire(definition, exports, file.name, pkg.dir);
        }
      }
    } catch (err) {
      warn(
        'SIGHTLINE_ERR_SDK_INSTRUMENTATION',
        `${pkg.name} (ES module code) could not be instrumented before the app started (${(err as Error).message}); the app runs without its spans.`,
      );
    }
  }
}
