import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** `sightline up` as a real process (packages/cli/dist/bin.js), for tests that need the command itself. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const bin = `${repoRoot}packages/cli/dist/bin.js`;

/** Builds server + cli (cheap when up to date); returns why it cannot, or undefined. */
export function ensureCliBuilt(): string | undefined {
  try {
    execFileSync('npx', ['tsc', '-b', 'packages/server', 'packages/cli'], { cwd: repoRoot, stdio: 'pipe' });
  } catch (e) {
    if (!existsSync(`${repoRoot}packages/cli/dist/commands/up.js`))
      return `cannot build packages/cli: ${(e as Error).message.slice(0, 200)}`;
  }
  return existsSync(`${repoRoot}packages/cli/dist/commands/up.js`)
    ? undefined
    : 'packages/cli/dist/commands/up.js missing';
}

export interface UpProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  urls: { grpc: string; http: string; api: string };
  exit: Promise<number | null>;
  /** SIGTERM and wait for the exit code. */
  stop: () => Promise<number | null>;
}

const children = new Set<ChildProcess>();
/** SIGKILLs every process started by up() that is still running (call from afterAll). */
export function killUpProcesses(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
}

export const EPHEMERAL_PORTS = ['--port', '0', '--otlp-grpc-port', '0', '--otlp-http-port', '0'];

/** Starts `sightline up <args>`; with expectStart, waits for "Press Ctrl-C" and reads the printed URLs. */
export async function up(args: string[], options: { expectStart?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  const child = spawn(process.execPath, [bin, 'up', ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (err += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (options.expectStart ?? true) {
    const started = Date.now();
    while (!out.includes('Press Ctrl-C') && child.exitCode === null && Date.now() - started < 30_000)
      await new Promise((r) => setTimeout(r, 25));
    if (!out.includes('Press Ctrl-C')) throw new Error(`sightline up did not start: ${out}\n${err}`);
  }
  const url = (label: string) => new RegExp(`${label}\\s+(http://\\S+)`).exec(out)?.[1] ?? '';
  const proc: UpProcess = {
    child,
    stdout: () => out,
    stderr: () => err,
    urls: { grpc: url('OTLP gRPC'), http: url('OTLP HTTP'), api: url('UI \\+ API') },
    exit,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exit;
    },
  };
  return proc;
}

/** A TCP port that was free a moment ago (nothing listens on it when this resolves). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  await new Promise((r) => server.close(r));
  return port;
}

/** Polls `check` every 50 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
