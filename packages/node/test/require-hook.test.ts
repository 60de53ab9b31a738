// The require hook: official instrumentations load at the first require of their package (not at start-up), pino
// is wrapped at require time, and the hook's own rules hold (once, subpaths, scoped names, uninstall).
import { execFile } from 'node:child_process';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { beforeFirstRequire, packageOf, transformRequire } from '../src/instrumentations/require-hook.js';
import { FIXTURES, PACKAGE_DIR } from './support/app-process.js';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

describe('the require hook', () => {
  it('names the package of a bare specifier and nothing else', () => {
    expect(packageOf('pg')).toBe('pg');
    expect(packageOf('pg/lib/client')).toBe('pg');
    expect(packageOf('@nestjs/core')).toBe('@nestjs/core');
    expect(packageOf('@nestjs/core/router/x.js')).toBe('@nestjs/core');
    expect(packageOf('@scope')).toBeUndefined();
    expect(packageOf('./local')).toBeUndefined();
    expect(packageOf('../up')).toBeUndefined();
    expect(packageOf('/abs/path.js')).toBeUndefined();
    expect(packageOf('node:http')).toBeUndefined();
  });

  it('runs a callback once, before the first require of the package or a file in it, and uninstalls', () => {
    const original = Module.prototype.require;
    const seen: string[] = [];
    const undoYaml = beforeFirstRequire('yaml', () => seen.push('yaml'));
    const undoOther = beforeFirstRequire('not-a-package-anyone-requires', () => seen.push('other'));
    expect(Module.prototype.require).not.toBe(original);
    require('yaml/package.json');
    require('yaml');
    expect(seen).toEqual(['yaml']);
    const identity = (exports: unknown) => exports;
    const undoTransform = transformRequire('yaml', identity);
    undoYaml();
    undoOther();
    expect(Module.prototype.require).not.toBe(original);
    undoTransform();
    expect(Module.prototype.require).toBe(original);
  });

  it('transforms every require of exactly that specifier', () => {
    const wrapped = { wrapped: true };
    const undo = transformRequire('yaml', () => wrapped);
    try {
      expect(require('yaml')).toBe(wrapped);
      expect(require('yaml')).toBe(wrapped);
      expect(require('yaml/package.json')).not.toBe(wrapped);
    } finally {
      undo();
    }
    expect(require('yaml')).not.toBe(wrapped);
  });

  it('in a CommonJS app, loads the pg instrumentation and pino only when required, in time to patch them', async () => {
    const { stdout } = await run(
      process.execPath,
      ['--require', join(PACKAGE_DIR, 'dist', 'register.js'), join(FIXTURES, 'lazy-instrumentation.cjs')],
      {
        env: {
          ...process.env,
          OTEL_TRACES_EXPORTER: 'none',
          OTEL_METRICS_EXPORTER: 'none',
          OTEL_LOGS_EXPORTER: 'none',
        },
      },
    );
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      atStart: [],
      pinoAtStart: false,
      metricsSdkAtStart: false,
      afterPg: ['instrumentation-pg'],
      patched: true,
      pinoWrapped: true,
    });
  });
});
