// Starts a fixture app in a child process (with the register hook) and collects its stdout JSON lines and stderr.

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(PACKAGE_DIR, 'test', 'fixtures');

export interface AppProcess {
  child: ChildProcess;
  port: number;
  base: string;
  /** Every JSON line the app wrote to stdout. */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** '--import' (default) or '--require'. */
  flag?: '--import' | '--require' | 'none';
  timeoutMs?: number;
  args?: string[];
}

/** OTLP env pointing the app at a receiver over the given protocol; short intervals so tests are quick. */
export function otlpEnv(protocol: 'grpc' | 'http/protobuf' | 'http/json', port: number): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    OTEL_METRIC_EXPORT_INTERVAL: '500',
  };
}

export async function startApp(fixture: string, opts: StartOptions = {}): Promise<AppProcess> {
  const flag = opts.flag ?? '--import';
  const nodeArgs = flag === 'none' ? [] : [flag, '@sightline/node/register'];
  const child = spawn(process.execPath, [...nodeArgs, join(FIXTURES, fixture), ...(opts.args ?? [])], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, NODE_ENV: 'test', OTEL_SERVICE_NAME: 'fixture-app', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, unknown>> = [];
  let err = '';
  let buffered = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${fixture} did not start in time; stderr: ${err}`)),
      opts.timeoutMs ?? 15_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        nl = buffered.indexOf('\n');
        if (!line.trim()) continue;
        try {
          const parsed = JSON.parse(line) as Record<string, unknown>;
          if (typeof parsed.listening === 'number') {
            clearTimeout(timer);
            resolve(parsed.listening);
          } else lines.push(parsed);
        } catch {
          lines.push({ nonJson: line });
        }
      }
    });
    child.stderr?.on('data', (c: Buffer) => {
      err += c.toString('utf8');
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`${fixture} exited (${code ?? signal}) before listening; stderr: ${err}`));
    });
  });
  return {
    child,
    port,
    base: `http://127.0.0.1:${port}`,
    lines,
    stderr: () => err,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
