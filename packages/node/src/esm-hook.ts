// Target packages that are ES module code (package.json "type": "module", e.g. @nestjs/core 12) load without our hook
// on CommonJS loading ever seeing them. `--import` patches them ahead of the app (esm-preload.ts); `--require`, which
// cannot wait for an import, registers the ESM loader hook (import-in-the-middle, on Node's loader thread: every
// import of the app goes through it), only when such a package is installed where the app would find it, and scoped
// to that package's files; its instrumentation then loads at start (the hook only patches imports made after the
// instrumentation exists).
import { readFileSync, statSync } from 'node:fs';
import { register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { warn } from './diagnostics.js';

/** The node_modules directories Node searches from `dir`: those that exist, nearest first. */
function nodeModulesChain(dir: string): string[] {
  const chain: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    const candidate = join(current, 'node_modules');
    if (statSync(candidate, { throwIfNoEntry: false })?.isDirectory()) chain.push(candidate);
    if (dirname(current) === current) return chain;
  }
}

/** A target package that is ES module code, and the directory of the copy the app would load. */
export interface EsModulePackage {
  readonly name: string;
  readonly dir: string;
}

/** The directory of the nearest copy of package `name` in `chain` if it is ES module code, else undefined. */
function nearestEsModule(name: string, chain: readonly string[]): string | undefined {
  for (const nodeModules of chain) {
    const dir = join(nodeModules, name);
    const file = join(dir, 'package.json');
    if (!statSync(file, { throwIfNoEntry: false })) continue;
    try {
      return (JSON.parse(readFileSync(file, 'utf8')) as { type?: unknown }).type === 'module' ? dir : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The packages among `names` that are ES module code (package.json "type": "module") where an app in one of
 * `fromDirs` would find them (node_modules lookup from each directory up). Each directory chain is walked once.
 */
export function esModulePackages(names: readonly string[], fromDirs: readonly string[]): EsModulePackage[] {
  const chains = fromDirs.map(nodeModulesChain);
  const found: EsModulePackage[] = [];
  for (const name of names) {
    for (const chain of chains) {
      const dir = nearestEsModule(name, chain);
      if (dir === undefined) continue;
      found.push({ name, dir });
      break;
    }
  }
  return found;
}

/** Every file of the package: its bare specifier and its internal files alike resolve under this path. */
function filesOf(name: string): RegExp {
  return new RegExp(`/node_modules/${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/`);
}

/** Registers import-in-the-middle for `packages`; returns those it was registered for (none when it could not be). */
export function registerEsmHook(packages: string[]): string[] {
  if (packages.length === 0 || typeof register !== 'function') return [];
  try {
    register('import-in-the-middle/hook.mjs', pathToFileURL(__filename), { data: { include: packages.map(filesOf) } });
  } catch (err) {
    warn(
      'SIGHTLINE_ERR_SDK_INSTRUMENTATION',
      `the ESM loader hook could not be registered (${(err as Error).message}); ${packages.join(', ')} run without their instrumentations.`,
    );
    return [];
  }
  return packages;
}
