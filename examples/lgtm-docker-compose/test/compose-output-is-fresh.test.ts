// examples/lgtm-docker-compose is the checked-in output of `sightline stack compose` (no config: generic output).
// This test regenerates it and fails when the checked-in copy is stale. To refresh it:
//   SIGHTLINE_UPDATE_EXAMPLE=1 npx vitest run examples/lgtm-docker-compose
// `.env` (the generated admin password) is never checked in; `.env.example` is. `.sightline-manifest.json` is, so that
// `sightline stack compose --out examples/lgtm-docker-compose` regenerates in place without tripping the
// changed-file protection.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../packages/kit/src/config/index.js';
import { MANIFEST_FILE, manifestFor } from '../../../packages/kit/src/files/index.js';
import { composeStackFiles } from '../../../packages/kit/src/stack/index.js';

const EXAMPLE = join(import.meta.dirname, '..');
const UPDATE = process.env.SIGHTLINE_UPDATE_EXAMPLE === '1';
const stack = composeStackFiles(parseConfig({}), { adminPassword: 'unused' });
const generated = [
  ...stack.filter((f) => f.path !== '.env'),
  { path: MANIFEST_FILE, content: manifestFor(stack) },
];

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? listFiles(path) : [relative(EXAMPLE, path).split('\\').join('/')];
  });
}

if (UPDATE) {
  for (const file of generated) {
    mkdirSync(dirname(join(EXAMPLE, file.path)), { recursive: true });
    writeFileSync(join(EXAMPLE, file.path), file.content);
  }
}

describe('examples/lgtm-docker-compose', () => {
  it('is exactly what `sightline stack compose` generates today (all files but .env)', () => {
    const stale = generated.filter((f) => !existsSync(join(EXAMPLE, f.path)) || readFileSync(join(EXAMPLE, f.path), 'utf8') !== f.content);
    expect(stale.map((f) => f.path), 'stale: run SIGHTLINE_UPDATE_EXAMPLE=1 npx vitest run examples/lgtm-docker-compose').toEqual([]);
  });

  it('holds no file the generator no longer writes, and never a real .env', () => {
    const expected = new Set(generated.map((f) => f.path));
    const extra = listFiles(EXAMPLE).filter((p) => !expected.has(p) && !p.startsWith('test/'));
    expect(extra).toEqual([]);
    expect(existsSync(join(EXAMPLE, '.env'))).toBe(false);
  });
});
