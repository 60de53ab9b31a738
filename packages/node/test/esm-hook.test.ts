// Which target packages count as ES module code (patched ahead of the app with --import, hooked with --require): only
// those that are ES module code where the app would find them.
import { existsSync } from 'node:fs';
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
});
