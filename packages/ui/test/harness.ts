// Test harness: a real @sightline/server on free ports serving the built UI, and headless Debian Chromium.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const UI_DIR = resolve(here, '../dist');
export const ARTIFACTS = resolve(here, '../../../test-artifacts/ui');
export const CHROMIUM = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Why the browser tests cannot run here, or '' when they can. */
export async function skipReason(): Promise<string> {
  if (!existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM} (apt-get install -y chromium)`;
  try {
    const mod = await import('@sightline/server');
    if (typeof mod.startServer !== 'function') return '@sightline/server does not export startServer';
  } catch (e) {
    return `@sightline/server cannot be loaded (${(e as Error).message.split('\n')[0]}); run npm run build`;
  }
  return '';
}

/** Build the UI when dist is missing (`npm test` builds it in pretest; this covers `npx vitest run packages/ui`). */
export function ensureUiBuilt(): void {
  if (existsSync(join(UI_DIR, 'index.html'))) return;
  const r = spawnSync('npx', ['vite', 'build'], { cwd: resolve(here, '..'), stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build of packages/ui failed');
}

export interface RunningBackend {
  /** Base URL of the UI and query API. */
  url: string;
  /** Base URL of OTLP/HTTP (…/v1/traces). */
  otlpHttp: string;
  stop(): Promise<void>;
}

export async function startBackend(opts: { token?: string } = {}): Promise<RunningBackend> {
  const { startServer } = await import('@sightline/server');
  const dataDir = mkdtempSync(join(tmpdir(), 'sightline-ui-test-'));
  const srv = await startServer({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    otlpGrpcPort: 0,
    otlpHttpPort: 0,
    uiDir: UI_DIR,
    onWarning: () => undefined,
    ...opts,
  });
  return {
    url: srv.apiUrl.replace(/\/$/, ''),
    otlpHttp: srv.otlpHttpUrl.replace(/\/$/, ''),
    stop: async () => {
      await srv.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Playwright starts Chromium with a fresh temporary --user-data-dir and deletes it on close. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: false });
}

/** Poll the query API until `check` accepts the answer (ingest is asynchronous). */
export async function waitForApi<T>(url: string, check: (body: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const res = await fetch(url);
    if (res.ok) {
      last = await res.json();
      if (check(last as T)) return last as T;
    } else last = await res.text();
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${url}; last answer: ${JSON.stringify(last).slice(0, 500)}`);
}
