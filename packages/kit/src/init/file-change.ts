import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unifiedDiff } from './unified-diff.js';

/** One file init wants to create or change; `before` is null for a new file. */
export interface FileChange {
  /** Relative to the project (or --out) directory. */
  path: string;
  before: string | null;
  after: string;
  /** Why, in a few words, for the plan. */
  reason: string;
}

export function readIfExists(dir: string, path: string): string | null {
  const file = join(dir, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** A change only when the content differs: a second run finds nothing to do. */
export function changeIfDifferent(dir: string, path: string, after: string, reason: string): FileChange | undefined {
  const before = readIfExists(dir, path);
  return before === after ? undefined : { path, before, after, reason };
}

export function formatPlan(changes: FileChange[]): string {
  return changes
    .map(
      (c) =>
        `${c.before === null ? 'create' : 'change'} ${c.path}: ${c.reason}\n${unifiedDiff(c.path, c.before, c.after)}`,
    )
    .join('\n');
}

export function applyChanges(dir: string, changes: FileChange[]): void {
  for (const c of changes) {
    const file = join(dir, c.path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, c.after);
  }
}
