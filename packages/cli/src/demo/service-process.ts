/**
 * One demo service as a child process started with `--import @sightline/node/register`, exactly as a user
 * starts theirs. It reports its port over IPC; stdout (its JSON logs) goes to a file, stderr to ours.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { DemoError } from './demo-errors.js';

export interface ServiceSpec {
  name: string;
  /** Absolute path of the compiled service script. */
  script: string;
  /** URL of `@sightline/node/register` for `--import`. */
  registerUrl: string;
  env: Record<string, string>;
  logFile: string;
  startTimeoutMs?: number;
  /** Called once if the process exits before `stop()` was asked for. */
  onUnexpectedExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

export interface ServiceProcess {
  name: string;
  pid: number;
  port: number;
  url: string;
  details: Record<string, string>;
  /** SIGTERM, wait for the service to flush and exit; SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

interface ListeningMessage {
  type: 'listening';
  port: number;
  details: Record<string, string>;
}

const STDERR_TAIL_LINES = 20;
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));

/** Our environment minus OTEL_* (a user's own exporter settings must not redirect the demo), plus `extra`. */
function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('OTEL_')) env[key] = value;
  return { ...env, ...extra };
}

function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

export function startServiceProcess(spec: ServiceSpec): Promise<ServiceProcess> {
  const logFd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = fork(spec.script, [], {
      execArgv: ['--import', spec.registerUrl],
      // The SDK instruments the libraries the app resolves from its working directory: ours is this package.
      cwd: PACKAGE_DIR,
      // Own process group: Ctrl-C in a terminal reaches only `sightline demo`, which stops the services in order
      // with SIGTERM. If the demo dies, the IPC channel closes and each service leaves (service-runtime.cts).
      detached: true,
      env: childEnv(spec.env),
      stdio: ['ignore', logFd, 'pipe', 'ipc'],
    });
  } finally {
    closeSync(logFd);
  }
  const stderrTail: string[] = [];
  if (child.stderr) {
    createInterface({ input: child.stderr }).on('line', (line) => {
      stderrTail.push(line);
      if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
      process.stderr.write(`[${spec.name}] ${line}\n`);
    });
  }
  let stopping = false;
  const failure = (what: string) =>
    new DemoError(
      'SIGHTLINE_ERR_DEMO_SERVICE_FAILED',
      `demo service ${spec.name} ${what}; its logs are in ${spec.logFile}` +
        (stderrTail.length ? `; last stderr lines:\n  ${stderrTail.join('\n  ')}` : ''),
      1,
    );

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stopping = true;
      child.kill('SIGKILL');
      reject(failure(`did not start listening within ${spec.startTimeoutMs ?? 20_000} ms`));
    }, spec.startTimeoutMs ?? 20_000);

    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      // Let the last stderr lines arrive before we quote them.
      setTimeout(() => reject(failure(`exited during start-up (code ${code}, signal ${signal})`)), 50);
    };
    child.once('exit', onEarlyExit);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(failure(`could not be started: ${error.message}`));
    });

    child.on('message', (message: ListeningMessage) => {
      if (message?.type !== 'listening') return;
      clearTimeout(timer);
      child.off('exit', onEarlyExit);
      child.once('exit', (code, signal) => {
        if (!stopping) spec.onUnexpectedExit?.(code, signal);
      });
      resolve({
        name: spec.name,
        pid: child.pid as number,
        port: message.port,
        url: `http://127.0.0.1:${message.port}`,
        details: message.details ?? {},
        async stop(graceMs = 10_000) {
          stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          let timer: NodeJS.Timeout | undefined;
          const late = new Promise<'late'>((done) => {
            timer = setTimeout(() => done('late'), graceMs);
          });
          if ((await Promise.race([waitForExit(child), late])) === 'late') {
            process.stderr.write(`[${spec.name}] did not stop within ${graceMs} ms; killing it\n`);
            child.kill('SIGKILL');
            await waitForExit(child);
          }
          clearTimeout(timer);
        },
      });
    });
  });
}
