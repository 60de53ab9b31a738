import {
  formatValidationReport,
  KitError,
  loadMetrics,
  parseReportFormat,
  validateMetricFamilies,
} from '@sightline/kit';
import type { Command } from 'commander';
import { EXIT_CHECK_FAILED, EXIT_OK, runCommand } from '../command-errors.js';

interface ValidateMetricsFlags {
  url?: string;
  file?: string;
  otlp?: string;
  fromStore?: boolean;
  api: string;
  token?: string;
  from?: string;
  to?: string;
  format: string;
  disable?: string;
  maxValues?: string;
}

/** `sightline validate metrics`: lint metric names, units, attributes and buckets; exit 1 when an error is found. */
export function registerValidate(program: Command): void {
  const validate = program
    .command('validate')
    .description('Lint telemetry against the OpenTelemetry semantic conventions');
  validate
    .command('metrics')
    .description(
      'Lint metrics (names, units, attributes, cardinality, buckets) from an endpoint, a file, an OTLP capture or the store',
    )
    .option('--url <url>', 'Prometheus text endpoint to scrape, e.g. http://127.0.0.1:9464/metrics')
    .option('--file <path>', 'Prometheus text exposition file')
    .option(
      '--otlp <path>',
      'OTLP/JSON metrics capture (one request or JSON lines, as the Collector file exporter writes)',
    )
    .option('--from-store', "read the metric catalogue of `sightline up`'s store")
    .option('--api <url>', 'query API of `sightline up` (with --from-store)', 'http://127.0.0.1:4400')
    .option('--token <token>', 'bearer token of the query API (default: $SIGHTLINE_TOKEN)')
    .option('--from <time>', 'store range start (ms, RFC 3339 or now-1h)', 'now-1h')
    .option('--to <time>', 'store range end', 'now')
    .option('--format <format>', 'table, json or sarif', 'table')
    .option('--disable <rules>', 'comma-separated rule ids or names to skip, e.g. SLM010,semconv-unknown-name')
    .option('--max-values <n>', 'distinct values per attribute above which it is high-cardinality', '100')
    .action((flags: ValidateMetricsFlags) =>
      runCommand(async () => {
        const format = parseReportFormat(flags.format);
        const maxDistinctValues = Number(flags.maxValues);
        if (!Number.isInteger(maxDistinctValues) || maxDistinctValues < 1) {
          throw new KitError(
            'SIGHTLINE_ERR_VALIDATE_INPUT',
            `--max-values "${flags.maxValues}" must be a positive integer`,
          );
        }
        const input = await loadMetrics({
          url: flags.url,
          file: flags.file,
          otlp: flags.otlp,
          fromStore: flags.fromStore,
          api: flags.api,
          token: flags.token ?? process.env.SIGHTLINE_TOKEN,
          from: flags.from,
          to: flags.to,
        });
        const disable = flags.disable
          ? flags.disable
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
          : [];
        const report = validateMetricFamilies(input, { disable, maxDistinctValues });
        process.stdout.write(formatValidationReport(report, format));
        return report.failed ? EXIT_CHECK_FAILED : EXIT_OK;
      }),
    );
}
