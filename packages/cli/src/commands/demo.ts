import type { Command } from 'commander';
import { runCommand } from '../command-errors.js';
import { parseDemoOptions, type RawDemoOptions } from '../demo/demo-options.js';

/** `sightline demo`: flags in, runDemo() out. Run by `npm start` in this repository. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Run the embedded backend and UI with three instrumented services (api, inventory, worker) and traffic',
    )
    .option('--port <port>', 'UI and query API port (default 4400; a free port if 4400 is busy; 0 = any)')
    .option('--otlp-grpc-port <port>', 'OTLP gRPC port (default 4317; a free port if busy; 0 = any)')
    .option('--otlp-http-port <port>', 'OTLP HTTP port (default 4318; a free port if busy; 0 = any)')
    .option('--data-dir <dir>', 'keep the data in this directory (default: a temporary one, removed on exit)')
    .option('--rate <n>', 'requests per second sent to api (default 5)')
    .option('--duration <s>', 'stop after this many seconds (default: run until Ctrl-C)')
    .option('--database <auto|memory|url>', "inventory's database: PostgreSQL on 127.0.0.1:5432 when reachable (auto)")
    .option('--queue <auto|memory|url>', 'the api → worker queue: RabbitMQ on 127.0.0.1:5672 when reachable (auto)')
    .action((raw: RawDemoOptions) =>
      runCommand(async () => {
        const options = parseDemoOptions(raw);
        // Loaded on use: the backend pulls in DuckDB, which other commands should not pay for.
        const { runDemo } = await import('../demo/run-demo.js');
        return runDemo(options, (line) => process.stdout.write(`${line}\n`));
      }),
    );
}
