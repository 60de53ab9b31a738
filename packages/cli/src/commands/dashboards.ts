import type { Command } from 'commander';
import { runCommand } from '../command-errors.js';
import { type GenerateFlags, runGenerate, withGenerateFlags } from './stack.js';

/** `sightline dashboards`: Grafana dashboard JSON (service overview, runtime, logs and traces). */
export function registerDashboards(program: Command): void {
  withGenerateFlags(
    program
      .command('dashboards')
      .description('Generate Grafana dashboards: service overview (RED), Node.js runtime, logs and traces'),
  ).action((flags: GenerateFlags) => runCommand(() => runGenerate('dashboards', flags)));
}
