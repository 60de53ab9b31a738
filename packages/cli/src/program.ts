import { createRequire } from 'node:module';
import { Command } from 'commander';
import { registerAlerts } from './commands/alerts.js';
import { registerCheck } from './commands/check.js';
import { registerDashboards } from './commands/dashboards.js';
import { registerDemo } from './commands/demo.js';
import { registerInit } from './commands/init.js';
import { registerStack } from './commands/stack.js';
import { registerUp } from './commands/up.js';
import { registerValidate } from './commands/validate.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };

/** The `sightline` command tree. Each command lives in its own file under commands/ and only parses flags. */
export function buildProgram(): Command {
  const program = new Command('sightline')
    .description('Production observability for TypeScript services, on OpenTelemetry')
    .version(version)
    .showHelpAfterError()
    .exitOverride((err) => {
      // commander's own usage errors exit 2 like ours (help and version exit 0).
      process.exit(err.exitCode === 0 ? 0 : 2);
    });
  registerInit(program);
  registerValidate(program);
  registerCheck(program);
  registerUp(program);
  registerDemo(program);
  registerStack(program);
  registerDashboards(program);
  registerAlerts(program);
  return program;
}
