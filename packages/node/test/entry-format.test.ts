// Which entry points count as CommonJS (so `--import @sightline/node/register` skips the ESM loader hook): decided as
// Node 20 decides the format, and anything unclear is not CommonJS (the hook stays, as before).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isCommonJsEntry } from '../src/entry-format.js';

const root = mkdtempSync(join(tmpdir(), 'sightline-entry-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function project(name: string, pkg: Record<string, unknown> | undefined, files: Record<string, string>): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  if (pkg) writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source);
  return dir;
}

describe('isCommonJsEntry', () => {
  it('goes by the extension first', () => {
    const dir = project('ext', { type: 'module' }, { 'a.cjs': 'module.exports = 1;', 'b.mjs': 'export default 1;' });
    expect(isCommonJsEntry(join(dir, 'a.cjs'))).toBe(true);
    expect(isCommonJsEntry(join(dir, 'b.mjs'))).toBe(false);
  });

  it('then by the nearest package.json "type"', () => {
    const cjs = project('typed-cjs', { type: 'commonjs' }, { 'app.js': 'require("node:http");' });
    const esm = project('typed-esm', { type: 'module' }, { 'app.js': 'import "node:http";' });
    mkdirSync(join(cjs, 'src'));
    writeFileSync(join(cjs, 'src', 'main.js'), 'require("node:http");');
    expect(isCommonJsEntry(join(cjs, 'app.js'))).toBe(true);
    expect(isCommonJsEntry(join(cjs, 'src', 'main.js'))).toBe(true);
    expect(isCommonJsEntry(join(esm, 'app.js'))).toBe(false);
  });

  it('without a "type", by whether the source parses as CommonJS (Node 20 detects module syntax)', () => {
    const dir = project(
      'typeless',
      { name: 'typeless' },
      {
        'plain.js': 'const http = require("node:http"); module.exports = http;',
        'dynamic.js': 'import("node:http").then(() => {}); // the word import, but no import statement',
        'esm.js': 'import http from "node:http";\nexport default http;',
        'tla.js': 'const x = await Promise.resolve(1);',
        'cli.js': '#!/usr/bin/env node\nrequire("node:http"); // await import() later',
      },
    );
    expect(isCommonJsEntry(join(dir, 'plain.js'))).toBe(true);
    expect(isCommonJsEntry(join(dir, 'dynamic.js'))).toBe(true);
    expect(isCommonJsEntry(join(dir, 'esm.js'))).toBe(false);
    expect(isCommonJsEntry(join(dir, 'cli.js'))).toBe(true);
    expect(isCommonJsEntry(join(dir, 'tla.js'))).toBe(false);
  });

  it('resolves the path as Node resolves the main script (no extension, a directory)', () => {
    const dir = project('resolve', { type: 'commonjs' }, { 'server.js': 'module.exports = 1;', 'index.js': '1;' });
    expect(isCommonJsEntry(join(dir, 'server'))).toBe(true);
    expect(isCommonJsEntry(dir)).toBe(true);
  });

  it('counts anything unclear as not CommonJS', () => {
    const dir = project('unclear', { type: 'commonjs' }, { 'app.ts': 'const x: number = 1;' });
    const broken = project('broken-pkg', undefined, { 'app.js': 'module.exports = 1;' });
    writeFileSync(join(broken, 'package.json'), '{ not json');
    expect(isCommonJsEntry(undefined)).toBe(false);
    expect(isCommonJsEntry(join(root, 'does-not-exist.js'))).toBe(false);
    expect(isCommonJsEntry(join(dir, 'app.ts'))).toBe(false);
    expect(isCommonJsEntry(join(broken, 'app.js'))).toBe(false);
  });
});
