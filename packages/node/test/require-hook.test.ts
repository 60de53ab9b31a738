// The require hook: official instrumentations load at the first require of their package (not at start-up), pino
// is wrapped as it loads however it is loaded (require, import, import()), and the hook's own rules hold (once,
// subpaths, scoped names, uninstall). A CommonJS entry started with --import gets the same lazy loading, without
// an ESM loader hook.
import { execFile } from 'node:child_process';
import Module, { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  beforeFirstLoad,
  packageOf,
  packageOfFile,
  transformPackage,
  transformRequire,
} from '../src/instrumentations/require-hook.js';
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

  it('names the package a file under node_modules belongs to, and its directory', () => {
    const f = (...parts: string[]) => parts.join(sep);
    expect(packageOfFile(f('', 'app', 'node_modules', 'pino', 'pino.js'))).toEqual({
      name: 'pino',
      dir: f('', 'app', 'node_modules', 'pino'),
    });
    expect(packageOfFile(f('', 'app', 'node_modules', 'x', 'node_modules', '@scope', 'pkg', 'lib', 'i.js'))).toEqual({
      name: '@scope/pkg',
      dir: f('', 'app', 'node_modules', 'x', 'node_modules', '@scope', 'pkg'),
    });
    expect(packageOfFile(f('', 'app', 'src', 'index.js'))).toBeUndefined();
    expect(packageOfFile(f('', 'app', 'node_modules', 'file.js'))).toBeUndefined();
  });

  it("transforms a package's main file as it loads, and only that file, then uninstalls", () => {
    const original = (Module.prototype as unknown as { _compile: unknown })._compile;
    const seen: string[] = [];
    // semver is not loaded by this test process yet; its main file is index.js, its other files are not transformed.
    const main = require.resolve('semver');
    const other = require.resolve('semver/functions/valid');
    expect(require.cache[main]).toBeUndefined();
    const undo = transformPackage('semver', (exports) => {
      seen.push('semver');
      return { wrapped: exports };
    });
    try {
      require('semver/functions/valid');
      expect(seen).toEqual([]);
      const semver = require('semver') as { wrapped?: { valid?: unknown } };
      expect(typeof semver.wrapped?.valid).toBe('function');
      expect(require('semver')).toBe(semver);
      expect(seen).toEqual(['semver']);
    } finally {
      undo();
      delete require.cache[main];
      delete require.cache[other];
    }
    expect((Module.prototype as unknown as { _compile: unknown })._compile).toBe(original);
  });

  it('runs a callback once, before the first require of the package or a file in it, and uninstalls', () => {
    const original = Module.prototype.require;
    const proto = Module.prototype as unknown as { _compile: unknown; load: unknown };
    const [originalCompile, originalLoad] = [proto._compile, proto.load];
    const seen: string[] = [];
    const undoYaml = beforeFirstLoad('yaml', () => seen.push('yaml'));
    const undoOther = beforeFirstLoad('not-a-package-anyone-requires', () => seen.push('other'));
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
    expect([proto._compile, proto.load]).toEqual([originalCompile, originalLoad]);
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

  /** Runs a fixture with the register hook (exporters off) and returns the last JSON line it printed. */
  async function runFixture(
    flag: '--require' | '--import',
    fixture: string,
    env: Record<string, string> = {},
  ): Promise<Record<string, unknown>> {
    const { stdout } = await run(process.execPath, [flag, '@sightline/node/register', join(FIXTURES, fixture)], {
      cwd: PACKAGE_DIR,
      env: {
        ...process.env,
        OTEL_TRACES_EXPORTER: 'none',
        OTEL_METRICS_EXPORTER: 'none',
        OTEL_LOGS_EXPORTER: 'none',
        ...env,
      },
    });
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  }

  it.each(['--require', '--import'] as const)(
    'in a CommonJS app started with %s, loads the pg instrumentation and pino only when required, in time to patch them',
    async (flag) => {
      expect(await runFixture(flag, 'lazy-instrumentation.cjs')).toEqual({
        atStart: [],
        pinoAtStart: false,
        metricsSdkAtStart: false,
        // The samplers (with the SamplingDecision enum) and the parts of core the SDK's start uses (propagators,
        // suppression, RPC metadata, attribute checks): not the rest of the trace SDK, not core's index and platform
        // code, not @opentelemetry/resources or @opentelemetry/semantic-conventions (src/sdk-files.ts).
        sdkFilesAtStart: [
          'core/build/src/baggage/constants.js',
          'core/build/src/baggage/propagation/W3CBaggagePropagator.js',
          'core/build/src/baggage/utils.js',
          'core/build/src/common/attributes.js',
          'core/build/src/internal/validators.js',
          'core/build/src/propagation/composite.js',
          'core/build/src/trace/TraceState.js',
          'core/build/src/trace/W3CTraceContextPropagator.js',
          'core/build/src/trace/rpc-metadata.js',
          'core/build/src/trace/suppress-tracing.js',
          'sdk-trace/build/src/Sampler.js',
          'sdk-trace/build/src/sampler/AlwaysOffSampler.js',
          'sdk-trace/build/src/sampler/AlwaysOnSampler.js',
          'sdk-trace/build/src/sampler/TraceIdRatioBasedSampler.js',
        ].map((file) => `@opentelemetry/${file}`),
        afterPg: ['instrumentation-pg'],
        patched: true,
        pinoWrapped: true,
      });
    },
  );

  it.each(['--require', '--import'] as const)(
    'started with %s, starts the SDK on the main thread only (worker threads inherit the flag)',
    async (flag) => {
      expect(await runFixture(flag, 'worker-thread-app.cjs')).toEqual({
        main: 'SightlineTracerProvider',
        worker: 'NoopTracerProvider',
      });
    },
  );

  it('wraps pino that a CommonJS app loads with import()', async () => {
    expect(await runFixture('--require', 'pino-dynamic-import.cjs')).toEqual({
      defaultWrapped: true,
      namedWrapped: true,
    });
  });

  it('wraps pino that an ES module imports', async () => {
    expect(
      await runFixture('--import', 'pino-esm-import.mjs', { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,pino' }),
    ).toEqual({ defaultWrapped: true, namedWrapped: true, correlated: true });
  });
});
