import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { KitError } from '../kit-error.js';
import { detectProject, type PackageManager } from './detect-project.js';
import { applyChanges, type FileChange, formatPlan } from './file-change.js';
import { planNodeInit } from './node-init-plan.js';
import { checkGeneratedFiles, planPolyglotInit, type ToolCheckResult } from './polyglot-init.js';

export interface InitOptions {
  /** Node project directory (default: cwd). */
  dir?: string;
  /** Apply without asking (CI). */
  yes?: boolean;
  /** Print the plan and change nothing. */
  dryRun?: boolean;
  /** Run the package manager's install after changing package.json (default true). */
  install?: boolean;
  /** Dependency spec for @sightline/node: a range, or a path to a local checkout. */
  nodePackage?: string;
  /** Another language: python, go, rust, java, dotnet (needs out). */
  language?: string;
  framework?: string;
  out?: string;
  serviceName?: string;
  /** Asked when existing files would change and neither yes nor dryRun is set; resolving undefined means nobody answered. */
  confirm?: (question: string) => Promise<boolean | undefined>;
  /** Progress and the plan, line by line (default: stdout). */
  print?: (text: string) => void;
}

export interface InitResult {
  /** Files written (relative paths); empty when nothing changed or nothing was applied. */
  written: string[];
  planned: FileChange[];
  applied: boolean;
  installed: boolean;
  checks: ToolCheckResult[];
}

const INSTALL: Record<PackageManager, string[]> = {
  npm: ['npm', 'install', '--no-audit', '--no-fund'],
  pnpm: ['pnpm', 'install'],
  yarn: ['yarn', 'install'],
};

export async function runInit(options: InitOptions = {}): Promise<InitResult> {
  const print = options.print ?? ((t: string) => process.stdout.write(t.endsWith('\n') ? t : `${t}\n`));
  if (options.language) return runPolyglotInit(options, print);
  if (options.framework || options.out) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_LANGUAGE',
      '--framework and --out go with --language python|go|rust|java|dotnet; a Node project is detected from package.json',
    );
  }
  const dir = resolve(options.dir ?? process.cwd());
  const project = detectProject(dir);
  const plan = planNodeInit(project, { nodePackage: options.nodePackage });
  print(`sightline init: ${dir}\ndetected: ${plan.detected}`);
  for (const note of plan.notes) print(`note: ${note}`);
  const result: InitResult = { written: [], planned: plan.changes, applied: false, installed: false, checks: [] };
  if (plan.changes.length === 0) {
    print('already set up: nothing to change');
  } else {
    const proceed = await decide(plan.changes, options, print);
    if (!proceed) return result;
    applyChanges(dir, plan.changes);
    result.applied = true;
    result.written = plan.changes.map((c) => c.path);
    print(`changed: ${result.written.join(', ')}`);
  }
  const installed = existsSync(join(dir, 'node_modules', '@sightline', 'node', 'package.json'));
  if (options.install !== false && !options.dryRun && (result.applied || !installed)) {
    await install(project.packageManager, dir, print);
    result.installed = true;
  }
  if (result.applied || plan.changes.length === 0) {
    print(
      `next: copy .env.example to .env (or set OTEL_* in your deployment), start \`sightline up\`, then ${project.packageManager} ${project.startScriptName === 'start' ? 'start' : `run ${project.startScriptName ?? 'start'}`}`,
    );
  }
  return result;
}

async function decide(changes: FileChange[], options: InitOptions, print: (t: string) => void): Promise<boolean> {
  print(formatPlan(changes));
  if (options.dryRun) {
    print('dry run: nothing was changed');
    return false;
  }
  const replaces = changes.some((c) => c.before !== null);
  if (options.yes || !replaces) return true;
  const question = `Apply these changes to ${changes.map((c) => c.path).join(', ')}? [y/N] `;
  const answer = options.confirm ? await options.confirm(question) : undefined;
  if (answer === undefined) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_NOT_CONFIRMED',
      'existing files would change and there is no terminal to confirm; nothing was changed. Re-run with --yes to apply, or --dry-run to only print the plan',
    );
  }
  if (answer) return true;
  throw new KitError('SIGHTLINE_ERR_INIT_NOT_CONFIRMED', 'not confirmed: nothing was changed', 1);
}

function install(pm: PackageManager, dir: string, print: (t: string) => void): Promise<void> {
  const [command = 'npm', ...args] = INSTALL[pm];
  print(`installing: ${command} ${args.join(' ')}`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { cwd: dir, stdio: ['ignore', 'inherit', 'inherit'] });
    const fail = (why: string) =>
      reject(
        new KitError(
          'SIGHTLINE_ERR_INIT_INSTALL',
          `\`${command} ${args.join(' ')}\` in ${dir} ${why}; the files above were changed, run it yourself once the problem is fixed`,
          1,
        ),
      );
    child.on('error', (error) => fail(`could not start (${(error as NodeJS.ErrnoException).code ?? error.message})`));
    child.on('close', (code) => (code === 0 ? resolvePromise() : fail(`exited with ${code}`)));
  });
}

async function runPolyglotInit(options: InitOptions, print: (t: string) => void): Promise<InitResult> {
  if (!options.out) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_OUT',
      `--language ${options.language} needs --out DIR (where the setup files are written)`,
    );
  }
  const outDir = resolve(options.out);
  const serviceName = options.serviceName ?? basename(outDir);
  const { template, changes } = planPolyglotInit(options.language as string, options.framework, outDir, serviceName);
  print(`sightline init: ${template.language} (${template.framework}) service "${serviceName}" → ${outDir}`);
  const result: InitResult = { written: [], planned: changes, applied: false, installed: false, checks: [] };
  if (changes.length === 0) print('already set up: nothing to change');
  else {
    if (!(await decide(changes, options, print))) return result;
    applyChanges(outDir, changes);
    result.applied = true;
    result.written = changes.map((c) => c.path);
    print(`wrote: ${result.written.join(', ')}`);
  }
  result.checks = checkGeneratedFiles(template, outDir);
  for (const c of result.checks) print(`${c.status.padEnd(9)} ${c.file}: ${c.detail}`);
  const failed = result.checks.filter((c) => c.status === 'failed');
  if (failed.length > 0) {
    throw new KitError(
      'SIGHTLINE_ERR_INIT_CHECK',
      `generated ${failed.map((f) => f.file).join(', ')} failed ${failed.map((f) => f.tool).join(', ')}`,
      1,
    );
  }
  return result;
}
