/**
 * The embedded backend (`@sightline/server`) and the pieces the demo needs around it: where the UI's static
 * files are and where `@sightline/node/register` lives.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type RunningServer, startServer } from '@sightline/server';
import { DemoError } from './demo-errors.js';

export type Backend = RunningServer;

export interface BackendOptions {
  dataDir: string;
  host: string;
  port: number;
  otlpGrpcPort: number;
  otlpHttpPort: number;
  uiDir?: string;
}

const require = createRequire(import.meta.url);

/** The built UI (packages/ui/dist) when present; the server serves only the API without it. */
export function findUiDir(): string | undefined {
  try {
    const dist = join(dirname(require.resolve('@sightline/ui/package.json')), 'dist');
    return existsSync(join(dist, 'index.html')) ? dist : undefined;
  } catch {
    return undefined;
  }
}

/** file: URL of `@sightline/node/register`, resolved from this package so the services need no cwd. */
export function resolveRegisterUrl(): string {
  try {
    return import.meta.resolve('@sightline/node/register');
  } catch (error) {
    throw new DemoError(
      'SIGHTLINE_ERR_DEMO_SERVICE_FAILED',
      `cannot resolve @sightline/node/register (${(error as Error).message}); build the repository with npm run build`,
      1,
    );
  }
}

export function startBackend(options: BackendOptions): Promise<Backend> {
  return startServer(options);
}
