import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface StdoutLine {
  raw: string;
  json: Record<string, unknown> | undefined;
}

/** An example process started the way its README says: `node --import @sightline/node/register dist/<entry>.js`. */
export class ServiceProcess {
  readonly lines: StdoutLine[] = [];
  readonly stderr: string[] = [];
  exitCode: number | null = null;
  /** The signal that ended the process, when it died of one (e.g. NestJS re-raises SIGTERM after its hooks). */
  signal: NodeJS.Signals | null = null;
  readonly #child: ChildProcess;
  readonly #exited: Promise<void>;

  private constructor(child: ChildProcess) {
    this.#child = child;
    if (!child.stdout || !child.stderr) throw new Error('spawned without piped stdout/stderr');
    createInterface({ input: child.stdout }).on('line', (raw) => this.lines.push({ raw, json: parseJson(raw) }));
    createInterface({ input: child.stderr }).on('line', (line) => this.stderr.push(line));
    this.#exited = once(child, 'exit').then(([code, signal]) => {
      this.exitCode = code as number | null;
      this.signal = signal as NodeJS.Signals | null;
    });
  }

  static start(cwd: string, entry: string, env: Record<string, string>): ServiceProcess {
    const child = spawn(process.execPath, ['--import', '@sightline/node/register', entry], {
      cwd,
      env: { ...process.env, NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new ServiceProcess(child);
  }

  /** Waits for the stdout JSON log line whose `msg` is `message` and returns it. */
  async waitForLog(message: string, timeoutMs = 30_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.lines.find((l) => l.json?.msg === message);
      if (line?.json) return line.json;
      if (this.#child.exitCode !== null || this.#child.signalCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no "${message}" log line (exit ${this.exitCode}):\n${this.output()}`);
  }

  /** Stdout JSON records only (the logger writes one JSON object per line when stdout is not a terminal). */
  records(): Record<string, unknown>[] {
    return this.lines.flatMap((l) => (l.json ? [l.json] : []));
  }

  output(): string {
    return [...this.lines.map((l) => l.raw), ...this.stderr].slice(-40).join('\n');
  }

  /** Sends a signal without waiting for the exit (see `exited()`). */
  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** Resolves with the exit code once the process has ended. */
  async exited(): Promise<number | null> {
    await this.#exited;
    return this.exitCode;
  }

  /** SIGTERM, then wait for the exit (SIGKILL after the deadline so a hung process cannot hang the suite). */
  async stop(timeoutMs = 15_000): Promise<number | null> {
    if (this.#child.exitCode === null && this.#child.signalCode === null) {
      this.#child.kill('SIGTERM');
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), timeoutMs);
      await this.#exited;
      clearTimeout(timer);
    }
    return this.exitCode;
  }
}

function parseJson(raw: string): Record<string, unknown> | undefined {
  if (!raw.startsWith('{')) return undefined;
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
