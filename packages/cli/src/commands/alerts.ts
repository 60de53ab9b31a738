import type { Command } from 'commander';
import { runCommand } from '../command-errors.js';
import { type GenerateFlags, runGenerate, withGenerateFlags } from './stack.js';

/** `sightline alerts`: Mimir/Loki rule groups with SLO burn-rate alerts, promtool tests, Alertmanager routing. */
export function registerAlerts(program: Command): void {
  withGenerateFlags(
    program
      .command('alerts')
      .description(
        'Generate alert rules (RED, saturation, SLO burn rates, error logs), their promtool tests and Alertmanager routing',
      ),
  ).action((flags: GenerateFlags) => runCommand(() => runGenerate('alerts', flags)));
}
