import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './sightline-backend.js';

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: Record<string, unknown> | undefined;
}

/** Runs the `sightline` CLI from packages/cli, as CI would; `report` is stdout parsed as JSON when it is JSON. */
export function sightlineCli(args: string[]): Promise<CliRun> {
  const bin = join(repoRoot, 'packages/cli/dist/bin.js');
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      let report: Record<string, unknown> | undefined;
      try {
        report = JSON.parse(stdout) as Record<string, unknown>;
      } catch {
        report = undefined;
      }
      const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ exitCode, stdout, stderr, report });
    });
  });
}

/** `sightline check` against the test's backend, JSON output. */
export function sightlineCheck(apiUrl: string, extraArgs: string[] = []): Promise<CliRun> {
  return sightlineCli(['check', '--from-store', '--api', apiUrl, '--format', 'json', ...extraArgs]);
}
