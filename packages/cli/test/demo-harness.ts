/** Shared by the demo tests: start `sightline demo` as `npm start` does, read its output, query its API. */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/demo/', import.meta.url));
export const browserAvailable = existsSync(CHROMIUM);

/** Headless Debian Chromium through playwright-core. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
}

/** Saves a screenshot as a test artifact under test-artifacts/demo/. */
export async function saveScreenshot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export const CLI_BIN = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const API_SERVICE_SCRIPT = fileURLToPath(new URL('../dist/demo/services/api.cjs', import.meta.url));

/** Why the end-to-end demo cannot run here (built code missing), or undefined when it can. */
export async function demoSkipReason(): Promise<string | undefined> {
  if (!existsSync(CLI_BIN) || !existsSync(API_SERVICE_SCRIPT)) {
    return 'packages/cli is not built; run npm run build (npm test does it first)';
  }
  try {
    const register = fileURLToPath(import.meta.resolve('@sightline/node/register'));
    if (!existsSync(register)) return `@sightline/node/register resolves to ${register}, which is not built`;
  } catch (error) {
    return `@sightline/node/register is not available (${(error as Error).message})`;
  }
  const server = (await import('@sightline/server')) as { startServer?: unknown };
  if (typeof server.startServer !== 'function') return '@sightline/server does not export startServer yet';
  return undefined;
}

const LOCK_DIR = join(tmpdir(), 'sightline-demo-tests.lock');

/**
 * One demo booting at a time across test files (each file runs in its own process): a directory created atomically,
 * holding the owner's pid so a lock left by a killed run is taken over. Resolves with the release function.
 */
export async function acquireDemoLock(): Promise<() => void> {
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      writeFileSync(join(LOCK_DIR, 'pid'), String(process.pid));
      return () => rmSync(LOCK_DIR, { recursive: true, force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      let owner = 0;
      try {
        owner = Number(readFileSync(join(LOCK_DIR, 'pid'), 'utf8'));
      } catch {
        // Created but not yet written by its owner (or the owner died in between: stale after 10 s).
        const createdMs = statSync(LOCK_DIR, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
        if (Date.now() - createdMs > 10_000) owner = -1;
      }
      if (owner === -1 || (owner > 0 && !isRunning(owner))) rmSync(LOCK_DIR, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}

/**
 * Starts `sightline demo args` holding the boot lock until it prints `pattern`: demos boot one at a time across
 * test files (booting is what loads this 2-core machine), then run their checks side by side.
 */
export async function startDemo(args: string[], pattern: RegExp, timeoutMs: number): Promise<DemoProcess> {
  const release = await acquireDemoLock();
  const demo = new DemoProcess(args);
  try {
    await demo.waitFor(pattern, timeoutMs);
    return demo;
  } catch (error) {
    await demo.stop('SIGKILL');
    throw error;
  } finally {
    release();
  }
}

export interface Banner {
  apiUrl: string;
  pids: Record<string, number>;
}

/** A running `node packages/cli/dist/bin.js demo …` with its combined output. */
export class DemoProcess {
  output = '';
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [CLI_BIN, 'demo', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    this.child.stdout?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.exited = new Promise((resolve) => this.child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves with the first match of `pattern` in the output; rejects (quoting the output) on timeout or exit. */
  async waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    while (Date.now() < deadline) {
      const match = this.output.match(pattern);
      if (match) return match;
      if (exited) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`sightline demo did not print ${pattern} within ${timeoutMs} ms; output:\n${this.output}`);
  }

  /** The UI/API URL and the pid of each service, as the banner prints them. */
  banner(): Banner {
    const api = this.output.match(/UI and query API\s+(http:\/\/127\.0\.0\.1:\d+)\//);
    if (!api?.[1]) throw new Error(`no UI URL in the demo output:\n${this.output}`);
    const pids: Record<string, number> = {};
    for (const match of this.output.matchAll(/^\s+(api|inventory|worker)\s+http:\/\/127\.0\.0\.1:\d+\s+pid (\d+)$/gm)) {
      pids[match[1] as string] = Number(match[2]);
    }
    return { apiUrl: api[1], pids };
  }

  /**
   * Sends `signal` and waits for the exit (SIGKILL after `timeoutMs`, so a failing test never leaks it). A demo
   * killed cannot remove its temporary data directory, so this does.
   */
  async stop(
    signal: NodeJS.Signals,
    timeoutMs = 30_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const result = await this.exited;
    clearTimeout(timer);
    const temporary = this.output.match(/^\s+data\s+(\S+) \(temporary, removed on exit\)$/m)?.[1];
    if (temporary?.startsWith(tmpdir())) rmSync(temporary, { recursive: true, force: true });
    return result;
  }
}

export async function getJson<T>(url: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: response.status, body: (await response.json()) as T };
}

/** Polls `probe` until it returns a value; rejects naming `what` after `timeoutMs`. */
export async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError}` : ''}`);
}

/** True while `pid` runs (a zombie already exited, so it counts as gone). */
export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

export interface FlatSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

interface OtlpKeyValue {
  key: string;
  value: Record<string, unknown>;
}

const attributeValue = (value: Record<string, unknown>): unknown => Object.values(value ?? {})[0];

const toRecord = (attributes: OtlpKeyValue[] | undefined): Record<string, unknown> =>
  Object.fromEntries((attributes ?? []).map((kv) => [kv.key, attributeValue(kv.value)]));

/** `GET /api/traces/{id}` (OTLP/JSON resourceSpans) as one row per span with its service name. */
export function flattenTrace(body: { resourceSpans?: unknown[] }): FlatSpan[] {
  const spans: FlatSpan[] = [];
  for (const resourceSpans of (body.resourceSpans ?? []) as Array<{
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
  }>) {
    const service = String(toRecord(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        spans.push({
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          parentSpanId: String(span.parentSpanId ?? ''),
          service,
          name: String(span.name),
          kind: Number(span.kind),
          attributes: toRecord(span.attributes as OtlpKeyValue[] | undefined),
        });
      }
    }
  }
  return spans;
}
