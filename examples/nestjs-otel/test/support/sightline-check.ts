import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './sightline-backend.js';

export interface CheckRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  report: Record<string, unknown> | undefined;
}

/** Runs `sightline check` (the CLI from packages/cli) against the test's backend, JSON output, as CI would. */
export function sightlineCheck(apiUrl: string, extraArgs: string[] = []): Promise<CheckRun> {
  const bin = join(repoRoot, 'packages/cli/dist/bin.js');
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, 'check', '--from-store', '--api', apiUrl, '--format', 'json', ...extraArgs],
      { cwd: repoRoot, timeout: 60_000 },
      (error, stdout, stderr) => {
        let report: Record<string, unknown> | undefined;
        try {
          report = JSON.parse(stdout) as Record<string, unknown>;
        } catch {
          report = undefined;
        }
        const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ exitCode, stdout, stderr, report });
      },
    );
  });
}
