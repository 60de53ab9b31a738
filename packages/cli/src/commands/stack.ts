import { type GenerateResult, type GeneratorKind, generateOutputs } from '@sightline/kit';
import type { Command } from 'commander';
import { runCommand } from '../command-errors.js';

export interface GenerateFlags {
  out: string;
  force?: boolean;
  config?: string;
  service?: string[];
}

/** Adds the flags shared by stack, dashboards and alerts. */
export function withGenerateFlags(command: Command): Command {
  return command
    .option('--out <dir>', 'output directory', 'deploy')
    .option('--force', 'overwrite files changed since sightline wrote them')
    .option('--config <path>', 'sightline.config.(ts|mjs|json|yaml); default: the one in the working directory')
    .option('--service <name...>', 'services to generate for (replaces the services of the config)');
}

export async function runGenerate(kind: GeneratorKind, flags: GenerateFlags): Promise<number> {
  const result = await generateOutputs({
    kind,
    out: flags.out,
    force: flags.force === true,
    ...(flags.config ? { configPath: flags.config } : {}),
    ...(flags.service ? { services: flags.service } : {}),
  });
  printSummary(kind, result);
  return 0;
}

function printSummary(kind: GeneratorKind, result: GenerateResult): void {
  const from = result.configSource ? `from ${result.configSource}` : 'with defaults (no sightline.config found)';
  process.stdout.write(
    `sightline ${kind}: ${result.written.length} written, ${result.unchanged.length} unchanged${result.kept.length ? `, ${result.kept.length} kept (${result.kept.join(', ')})` : ''} in ${result.outDir} ${from}\n`,
  );
  for (const path of result.written) process.stdout.write(`  wrote ${path}\n`);
}

/** `sightline stack compose|kubernetes`: a Grafana LGTM deployment wired for log↔trace↔metric correlation. */
export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('Generate a Grafana LGTM deployment (Loki, Grafana, Tempo, Mimir, Alloy)');
  withGenerateFlags(
    stack
      .command('compose')
      .description('Docker Compose project with Alloy, Loki, Tempo, Mimir, Grafana (provisioned), Alertmanager'),
  ).action((flags: GenerateFlags) => runCommand(() => runGenerate('compose', flags)));
  withGenerateFlags(
    stack
      .command('kubernetes')
      .description(
        'Helm values (lgtm-distributed, k8s-monitoring with an Alloy DaemonSet, Alertmanager), rules and a runbook',
      ),
  ).action((flags: GenerateFlags) => runCommand(() => runGenerate('kubernetes', flags)));
}
