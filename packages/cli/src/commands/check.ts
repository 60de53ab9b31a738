import { type CheckThresholds, formatCheckReport, KitError, parseCheckFormat, runCheck } from '@sightline/kit';
import type { Command } from 'commander';
import { EXIT_CHECK_FAILED, EXIT_OK, runCommand } from '../command-errors.js';

interface CheckFlags {
  fromStore?: boolean;
  logs?: string;
  store: boolean;
  api: string;
  token?: string;
  from: string;
  to: string;
  service?: string;
  format: string;
  minCorrelation: string;
  maxInvalidIds: string;
  maxBrokenTraces: string;
  minAutoShare: string;
  maxMissingAttributes: string;
  maxErrorsWithoutException: string;
}

const THRESHOLD_FLAGS: Array<[keyof CheckThresholds, keyof CheckFlags, string]> = [
  ['minCorrelation', 'minCorrelation', '--min-correlation'],
  ['maxInvalidIds', 'maxInvalidIds', '--max-invalid-ids'],
  ['maxBrokenLinks', 'maxBrokenTraces', '--max-broken-traces'],
  ['minAutoShare', 'minAutoShare', '--min-auto-share'],
  ['maxMissingAttributes', 'maxMissingAttributes', '--max-missing-attributes'],
  ['maxErrorsWithoutException', 'maxErrorsWithoutException', '--max-errors-without-exception'],
];

/** `sightline check`: telemetry quality gates for CI; exit 1 when a gate fails. */
export function registerCheck(program: Command): void {
  program
    .command('check')
    .description(
      'Gate CI on telemetry quality: log–trace correlation, broken traces, auto-instrumentation share, semconv attributes',
    )
    .option('--from-store', 'read spans and logs from the Sightline store through its query API (the default)')
    .option('--logs <path>', 'check this JSON-lines log file (or - for stdin) instead of the stored logs')
    .option('--no-store', 'with --logs: do not read spans from the store (ids are checked for form only)')
    .option('--api <url>', 'query API of `sightline up`', 'http://127.0.0.1:4400')
    .option('--token <token>', 'bearer token of the query API (default: $SIGHTLINE_TOKEN)')
    .option('--from <time>', 'window start: now-15m, epoch ms or RFC 3339', 'now-1h')
    .option('--to <time>', 'window end', 'now')
    .option('--service <name>', 'only this service')
    .option('--format <format>', 'table or json', 'table')
    .option('--min-correlation <percent>', 'minimum share of in-request logs with a stored trace_id/span_id', '100')
    .option('--max-invalid-ids <count>', 'maximum log records with malformed or all-zero ids', '0')
    .option('--max-broken-traces <count>', 'maximum orphan spans plus calls without propagated traceparent', '0')
    .option('--min-auto-share <percent>', 'minimum share of spans from auto-instrumentation', '80')
    .option(
      '--max-missing-attributes <percent>',
      'maximum share of HTTP/DB/messaging/RPC spans missing required attributes',
      '0',
    )
    .option('--max-errors-without-exception <percent>', 'maximum share of error spans with no exception event', '0')
    .action((flags: CheckFlags) =>
      runCommand(async () => {
        const format = parseCheckFormat(flags.format);
        if (flags.fromStore && flags.store === false) {
          throw new KitError(
            'SIGHTLINE_ERR_CHECK_INPUT',
            '--from-store and --no-store contradict each other; pick one',
          );
        }
        const thresholds: Partial<CheckThresholds> = {};
        for (const [key, flag, name] of THRESHOLD_FLAGS) {
          const raw = String(flags[flag]);
          const value = Number(raw);
          if (raw.trim() === '' || !Number.isFinite(value)) {
            throw new KitError('SIGHTLINE_ERR_CHECK_THRESHOLD', `${name} "${raw}" is not a number`);
          }
          thresholds[key] = value;
        }
        const report = await runCheck({
          logs: flags.logs,
          store: flags.store,
          api: flags.api,
          token: flags.token ?? process.env.SIGHTLINE_TOKEN,
          from: flags.from,
          to: flags.to,
          service: flags.service,
          thresholds,
        });
        process.stdout.write(formatCheckReport(report, format));
        return report.failed ? EXIT_CHECK_FAILED : EXIT_OK;
      }),
    );
}
