// Whether the script Node was asked to run is CommonJS, decided as Node 20 decides it: the extension, else the
// nearest package.json "type", else (no "type") whether the source parses as CommonJS. Anything unclear (no script,
// an unresolvable path, a TypeScript entry run through a loader) counts as not CommonJS.
import { readFileSync } from 'node:fs';
import { wrap } from 'node:module';
import { dirname, extname, join, resolve } from 'node:path';
import { Script } from 'node:vm';

function nearestPackageType(dir: string): string | undefined | null {
  for (let current = dir; ; ) {
    try {
      const pkg = JSON.parse(readFileSync(join(current, 'package.json'), 'utf8')) as { type?: unknown };
      return typeof pkg.type === 'string' ? pkg.type : undefined;
    } catch (err) {
      // A package.json that is there but unreadable as JSON: Node would fail on it too; do not guess.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return null;
    }
    const parent = dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/** Source with no module syntax parses as CommonJS; Node runs it as CommonJS. */
function parsesAsCommonJs(filename: string): boolean {
  const source = readFileSync(filename, 'utf8');
  // Without these words there is no import/export statement and no top-level await to find.
  if (!/\b(?:import|export|await)\b/.test(source)) return true;
  try {
    // A hashbang is allowed only at the very start of a script, where the CommonJS wrapper would no longer have it.
    new Script(wrap(source.startsWith('#!') ? `//${source.slice(2)}` : source), { filename });
    return true;
  } catch {
    return false;
  }
}

export function isCommonJsEntry(entry: string | undefined): boolean {
  if (!entry) return false;
  try {
    const filename = require.resolve(resolve(entry));
    const ext = extname(filename);
    if (ext === '.cjs') return true;
    if (ext !== '.js') return false;
    const type = nearestPackageType(dirname(filename));
    if (type === 'commonjs') return true;
    if (type !== undefined) return false;
    return parsesAsCommonJs(filename);
  } catch {
    return false;
  }
}
