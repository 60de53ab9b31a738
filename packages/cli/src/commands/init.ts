import { createInterface } from 'node:readline';
import { runInit } from '@sightline/kit';
import type { Command } from 'commander';
import { EXIT_OK, runCommand } from '../command-errors.js';

interface InitFlags {
  yes?: boolean;
  dryRun?: boolean;
  install: boolean;
  nodePackage?: string;
  language?: string;
  framework?: string;
  out?: string;
  serviceName?: string;
  dir?: string;
}

/**
 * Reads one answer from stdin. A terminal gets the question; a pipe is read up to its first line. An empty or
 * closed stdin (CI, `< /dev/null`) gives no answer, which init treats as a refusal.
 */
function askStdin(question: string): Promise<boolean | undefined> {
  return new Promise((resolve) => {
    if (process.stdin.isTTY) process.stdout.write(question);
    const rl = createInterface({ input: process.stdin, terminal: false });
    let answered = false;
    const finish = (answer: string | undefined) => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      rl.close();
      if (!process.stdin.isTTY) process.stdout.write(`${question}${answer ?? '(no answer on stdin)'}\n`);
      resolve(answer === undefined ? undefined : /^y(es)?$/i.test(answer.trim()));
    };
    // A pipe that never writes must not hang CI: no answer within 10 s is a no (a terminal may take its time).
    const timer = setTimeout(() => finish(undefined), process.stdin.isTTY ? 2 ** 31 - 1 : 10_000);
    rl.once('line', (line) => finish(line));
    rl.once('close', () => finish(undefined));
  });
}

/** `sightline init`: instrument this Node project with @sightline/node, or write another language's setup. */
export function registerInit(program: Command): void {
  program
    .command('init')
    .description(
      'Add @sightline/node to this project (start flag or Next.js instrumentation.ts, .env.example), or write an OpenTelemetry setup for another language',
    )
    .option('--yes', 'apply without asking (CI)')
    .option('--dry-run', 'print the plan (unified diffs) and change nothing')
    .option('--no-install', 'do not run the package manager install afterwards')
    .option(
      '--node-package <spec>',
      'dependency spec for @sightline/node: a version range, or a path to a local checkout',
    )
    .option('--dir <path>', 'the Node project (default: current directory)')
    .option('--language <language>', "python, go, rust, java or dotnet: write that language's setup instead")
    .option(
      '--framework <name>',
      'with --language: fastapi|flask|django, nethttp|gin|echo, axum, spring-boot, aspnetcore',
    )
    .option('--out <dir>', 'with --language: directory to write the setup files to')
    .option('--service-name <name>', 'with --language: service.name (default: the --out directory name)')
    .action((flags: InitFlags) =>
      runCommand(async () => {
        await runInit({
          dir: flags.dir,
          yes: flags.yes,
          dryRun: flags.dryRun,
          install: flags.install,
          nodePackage: flags.nodePackage,
          language: flags.language,
          framework: flags.framework,
          out: flags.out,
          serviceName: flags.serviceName,
          confirm: askStdin,
        });
        return EXIT_OK;
      }),
    );
}
