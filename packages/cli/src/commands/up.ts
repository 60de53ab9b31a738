import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Command } from 'commander';
import { runCommand } from '../command-errors.js';

interface UpFlags {
  dataDir?: string;
  host?: string;
  otlpGrpcPort?: string;
  otlpHttpPort?: string;
  port?: string;
  retention?: string;
  maxBody?: string;
  token?: string;
  forward?: string;
}

/** packages/ui/dist when the UI workspace is installed; otherwise undefined (the server shows a "build it" page). */
function resolveUiDir(): string | undefined {
  try {
    const pkg = createRequire(import.meta.url).resolve('@sightline/ui/package.json');
    const dist = join(dirname(pkg), 'dist');
    return existsSync(dist) ? dist : undefined;
  } catch {
    return undefined;
  }
}

/** `sightline up`: the embedded backend until SIGINT/SIGTERM. */
export function registerUp(program: Command): void {
  program
    .command('up')
    .description('Run the embedded backend: OTLP receivers (gRPC + HTTP), DuckDB store, query API and UI')
    .option('--data-dir <dir>', 'where sightline.duckdb lives', '.sightline')
    .option('--host <address>', 'address every listener binds (non-loopback needs --token)', '127.0.0.1')
    .option('--otlp-grpc-port <port>', 'OTLP/gRPC port', '4317')
    .option('--otlp-http-port <port>', 'OTLP/HTTP port', '4318')
    .option('--port <port>', 'query API and UI port', '4400')
    .option('--retention <duration>', 'keep data this long (e.g. 7d, 12h)', '7d')
    .option('--max-body <size>', 'largest accepted request body (e.g. 16MiB)', '16MiB')
    .option('--token <token>', 'require Authorization: Bearer <token> on every OTLP and API request')
    .option(
      '--forward <url>',
      'also send every accepted batch upstream: grpc://host:4317 (OTLP/gRPC; grpcs:// for TLS) or http://host:4318 ' +
        '(OTLP/HTTP; https:// for TLS); headers from SIGHTLINE_FORWARD_HEADERS=k=v,…, gzip with SIGHTLINE_FORWARD_COMPRESSION=gzip',
    )
    .action((flags: UpFlags) =>
      runCommand(async () => {
        const { startServer } = await import('@sightline/server');
        const server = await startServer({
          dataDir: flags.dataDir,
          host: flags.host,
          otlpGrpcPort: flags.otlpGrpcPort as unknown as number,
          otlpHttpPort: flags.otlpHttpPort as unknown as number,
          port: flags.port as unknown as number,
          retention: flags.retention,
          maxBody: flags.maxBody,
          token: flags.token,
          forward: flags.forward,
          uiDir: resolveUiDir(),
        });
        const out = (line: string) => process.stdout.write(`${line}\n`);
        out(`sightline up: data in ${server.dataDir}`);
        out(`  OTLP gRPC   ${server.otlpGrpcUrl}`);
        out(`  OTLP HTTP   ${server.otlpHttpUrl}  (POST /v1/traces, /v1/metrics, /v1/logs)`);
        out(`  UI + API    ${server.apiUrl}  (GET /api/health)`);
        if (flags.forward) out(`  forwarding  ${flags.forward}`);
        out('Press Ctrl-C to stop.');
        await new Promise<void>((resolve) => {
          const stop = (signal: string) => {
            process.off('SIGINT', onInt);
            process.off('SIGTERM', onTerm);
            out(`${signal}: committing in-flight batches and stopping…`);
            server.close().then(resolve, (e: Error) => {
              process.stderr.write(`error while stopping: ${e.message}\n`);
              resolve();
            });
          };
          const onInt = () => stop('SIGINT');
          const onTerm = () => stop('SIGTERM');
          process.on('SIGINT', onInt);
          process.on('SIGTERM', onTerm);
        });
        out('stopped');
        return 0;
      }),
    );
}
