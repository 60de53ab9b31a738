// Which target packages count as ES module code (patched ahead of the app with --import, hooked with --require): only
// those that are ES module code where the app would find them.
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config.js';
import { esModulePackages } from '../src/esm-hook.js';
import { esModuleTargets } from '../src/instrumentations/loader.js';
import { FIXTURES, PACKAGE_DIR } from './support/app-process.js';

const nest12 = join(FIXTURES, 'nestjs-12');
const nest12Installed = existsSync(join(nest12, 'node_modules', '@nestjs', 'core', 'package.json'));

describe('the ESM loader hook targets', () => {
  it('are not CommonJS packages, nor packages that are not installed', () => {
    // @nestjs/core 11 (the NestJS example's, hoisted to the repository root) and pg are CommonJS.
    expect(esModulePackages(['@nestjs/core', 'pg', 'no-such-package-sightline'], [PACKAGE_DIR])).toEqual([]);
    expect(esModuleTargets(resolveConfig({}, {}), join(PACKAGE_DIR, 'app.js'), PACKAGE_DIR)).toEqual([]);
  });

  it.skipIf(!nest12Installed)(
    'are found from the entry script, nearest copy first (NestJS 12 is ES module code)',
    () => {
      const entry = join(nest12, 'app.mjs');
      const found = [{ name: '@nestjs/core', dir: join(nest12, 'node_modules', '@nestjs', 'core') }];
      expect(esModulePackages(['@nestjs/core', 'pg'], [nest12])).toEqual(found);
      expect(esModuleTargets(resolveConfig({}, {}), entry, PACKAGE_DIR)).toEqual(found);
      // Disabled instrumentations get no hook.
      const disabled = resolveConfig({}, { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'nestjs-core' });
      expect(esModuleTargets(disabled, entry, PACKAGE_DIR)).toEqual([]);
    },
  );

  it.skipIf(!nest12Installed)(
    'are only packages the app declares in its package.json (the nearest one with dependencies; its own if it has one)',
    () => {
      const app = mkdtempSync(join(tmpdir(), 'sightline-esm-targets-'));
      try {
        // NestJS 12 resolves from this app (as one hoisted for another app of a monorepo would) …
        symlinkSync(join(nest12, 'node_modules'), join(app, 'node_modules'), 'dir');
        const entry = join(app, 'dist', 'main.mjs');
        mkdirSync(join(app, 'dist'));
        // … and a build directory's package.json with only "type" is passed over.
        writeFileSync(join(app, 'dist', 'package.json'), '{"type":"module"}');
        const found = [{ name: '@nestjs/core', dir: join(app, 'node_modules', '@nestjs', 'core') }];
        writeFileSync(join(app, 'package.json'), JSON.stringify({ dependencies: { express: '^5.0.0' } }));
        expect(esModuleTargets(resolveConfig({}, {}), entry, app)).toEqual([]);
        writeFileSync(join(app, 'package.json'), JSON.stringify({ dependencies: { '@nestjs/core': '^12.0.0' } }));
        expect(esModuleTargets(resolveConfig({}, {}), entry, app)).toEqual(found);
      } finally {
        rmSync(app, { recursive: true, force: true });
      }
    },
  );
});
