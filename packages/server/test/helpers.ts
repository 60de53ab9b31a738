import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerOptions, startServer } from '../src/index.js';

/** A temp data dir removed by cleanup(). */
export function tempDir(prefix = 'sightline-server-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** startServer on ephemeral ports with a fresh data dir. */
export async function startTestServer(
  options: ServerOptions = {},
): Promise<RunningServer & { cleanup: () => Promise<void> }> {
  const tmp = options.dataDir ? undefined : tempDir();
  const server = await startServer({
    otlpGrpcPort: 0,
    otlpHttpPort: 0,
    port: 0,
    dataDir: tmp?.dir,
    onWarning: () => {},
    ...options,
  });
  return Object.assign(server, {
    cleanup: async () => {
      await server.close();
      tmp?.cleanup();
    },
  });
}

export async function getJson<T = any>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

export const hex = (n: number, bytes: number) => n.toString(16).padStart(bytes * 2, '0');
