// The ESM loader hook, only where an official instrumentation cannot work without it: a target package that is ES
// module code (package.json "type": "module", e.g. @nestjs/core 12) loads without our hook on CommonJS loading ever
// seeing it. import-in-the-middle runs on Node's loader thread (~100 ms of start-up), so it is registered only when
// such a package is installed where the app would find it, and scoped to that package's files; its instrumentation
// then loads at start (the hook only patches imports made after the instrumentation exists).
import { readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Where the register entry point leaves the packages it registered the hook for, for init() to read. */
export const kEsmHookTargets = Symbol.for('sightline.iitm');

/** Whether package `name`, as found from `fromDir` up (node_modules lookup), is ES module code; false if absent. */
export function isEsModulePackage(name: string, fromDir: string): boolean {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const file = join(dir, 'node_modules', name, 'package.json');
    if (statSync(file, { throwIfNoEntry: false })) {
      try {
        return (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type === 'module';
      } catch {
        return false;
      }
    }
    if (dirname(dir) === dir) return false;
  }
}

/** Every file of the package: its bare specifier and its internal files alike resolve under this path. */
function filesOf(name: string): RegExp {
  return new RegExp(`/node_modules/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);
}

/** Registers import-in-the-middle for `packages` (none: nothing is registered) and records them for init(). */
export function registerEsmHook(packages: string[]): void {
  if (packages.length === 0 || typeof register !== 'function') return;
  register('import-in-the-middle/hook.mjs', pathToFileURL(__filename), { data: { include: packages.map(filesOf) } });
  (globalThis as Record<symbol, unknown>)[kEsmHookTargets] = packages;
}

/** The packages registerEsmHook() was called with in this process. */
export function esmHookPackages(): ReadonlySet<string> {
  const hooked = (globalThis as Record<symbol, unknown>)[kEsmHookTargets];
  return new Set(Array.isArray(hooked) ? (hooked as string[]) : []);
}
