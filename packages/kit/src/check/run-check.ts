import { readFile } from 'node:fs/promises';
import { KitError } from '../kit-error.js';
import {
  type CheckLog,
  type CheckReport,
  type CheckSpan,
  type CheckThresholds,
  DEFAULT_THRESHOLDS,
} from './check-model.js';
import { correlationGates } from './correlation-gates.js';
import { logFromStoreRow, parseLogLines, type StoreLogRow } from './log-records.js';
import { autoShareGate, errorExceptionGate, semconvAttributesGate } from './span-quality-gates.js';
import { StoreApiClient, type StoreApiOptions } from './store-api-client.js';
import { parseTime } from './time-window.js';
import { traceIntegrityGate } from './trace-integrity-gate.js';

export interface CheckOptions extends StoreApiOptions {
  /** JSON-lines log file, or `-` for stdin; without it logs come from the store. */
  logs?: string;
  /** Read spans (and, without --logs, logs) from the store; false checks a log file alone. Default true. */
  store?: boolean;
  from?: string;
  to?: string;
  /** Only this service's telemetry. */
  service?: string;
  thresholds?: Partial<CheckThresholds>;
  /** Where `--logs -` reads from; default process.stdin. */
  stdin?: NodeJS.ReadableStream;
}

/** Spans are read with this margin around the window so logs near its edges still find their spans. */
const SPAN_MARGIN_MS = 60_000;

async function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The `sightline check` flag of each threshold, for error messages. */
export const THRESHOLD_FLAGS: Record<keyof CheckThresholds, string> = {
  minCorrelation: '--min-correlation',
  maxInvalidIds: '--max-invalid-ids',
  maxBrokenLinks: '--max-broken-traces',
  minAutoShare: '--min-auto-share',
  maxMissingAttributes: '--max-missing-attributes',
  maxErrorsWithoutException: '--max-errors-without-exception',
};

export function validateThresholds(partial: Partial<CheckThresholds> = {}): CheckThresholds {
  const t = { ...DEFAULT_THRESHOLDS, ...partial };
  for (const [key, value] of Object.entries(t)) {
    const isPercent = key.startsWith('min') || key === 'maxMissingAttributes' || key === 'maxErrorsWithoutException';
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (isPercent && value > 100)) {
      throw new KitError(
        'SIGHTLINE_ERR_CHECK_THRESHOLD',
        `${THRESHOLD_FLAGS[key as keyof CheckThresholds]} ${String(value)} is out of range; accepted: ${isPercent ? 'a percentage 0–100' : 'a count ≥ 0'}`,
      );
    }
  }
  return t;
}

/** Runs every gate over the window and returns the report; `failed` is true when any gate fails. */
export async function runCheck(options: CheckOptions = {}): Promise<CheckReport> {
  const thresholds = validateThresholds(options.thresholds);
  const now = Date.now();
  const fromMs = parseTime(options.from ?? 'now-1h', '--from', now);
  const toMs = parseTime(options.to ?? 'now', '--to', now);
  if (fromMs >= toMs) {
    throw new KitError(
      'SIGHTLINE_ERR_CHECK_TIME',
      `--from must be before --to (got ${new Date(fromMs).toISOString()} ≥ ${new Date(toMs).toISOString()})`,
    );
  }
  const useStore = options.store !== false;
  if (!useStore && !options.logs) {
    throw new KitError('SIGHTLINE_ERR_CHECK_INPUT', '--no-store needs --logs PATH|- (there is nothing else to check)');
  }
  const client = useStore ? new StoreApiClient(options) : undefined;
  const sources: string[] = [];
  let logs: CheckLog[];
  if (options.logs) {
    let text: string;
    if (options.logs === '-') text = await readStream(options.stdin ?? process.stdin);
    else {
      try {
        text = await readFile(options.logs, 'utf8');
      } catch (error) {
        throw new KitError(
          'SIGHTLINE_ERR_CHECK_INPUT',
          `--logs ${options.logs}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
        );
      }
    }
    const parsed = parseLogLines(text, options.logs === '-' ? 'stdin' : options.logs);
    logs = options.service ? parsed.logs.filter((l) => l.service === options.service) : parsed.logs;
    sources.push(
      `logs from ${options.logs === '-' ? 'stdin' : options.logs}${parsed.skipped ? ` (${parsed.skipped} non-JSON lines ignored)` : ''}`,
    );
  } else {
    const rows = await (client as StoreApiClient).getAllPages<StoreLogRow>('/api/logs/export', 'logs', {
      from: fromMs,
      to: toMs,
      service: options.service,
    });
    logs = rows.map(logFromStoreRow);
  }
  let spans: CheckSpan[] | undefined;
  if (client) {
    spans = await client.getAllPages<CheckSpan>('/api/spans', 'spans', {
      from: fromMs - SPAN_MARGIN_MS,
      to: toMs + SPAN_MARGIN_MS,
    });
    sources.unshift(`sightline store at ${client.base}`);
  }
  if (logs.length === 0 && (spans ?? []).filter((s) => s.startMs >= fromMs && s.startMs <= toMs).length === 0) {
    // A gate over nothing would pass; in CI that hides a service that stopped sending.
    throw new KitError(
      'SIGHTLINE_ERR_CHECK_NO_DATA',
      `no spans and no log records${options.service ? ` of service ${options.service}` : ''} between ${new Date(fromMs).toISOString()} and ${new Date(toMs).toISOString()} in ${sources.join(' + ')}; check that the services export there, or widen --from`,
      1,
    );
  }
  // Trace integrity needs every service of a trace; with --service it counts only links the service is part of.
  const serviceSpans = spans && options.service ? spans.filter((s) => s.service === options.service) : spans;
  const inWindow = (serviceSpans ?? []).filter((s) => s.startMs >= fromMs && s.startMs <= toMs);
  const gates = [...correlationGates(logs, spans, thresholds)];
  if (spans) {
    gates.push(traceIntegrityGate(spans, thresholds, options.service));
    gates.push(
      autoShareGate(inWindow, thresholds),
      semconvAttributesGate(inWindow, thresholds),
      errorExceptionGate(
        spans,
        thresholds,
        (s) => s.startMs >= fromMs && s.startMs <= toMs && (!options.service || s.service === options.service),
      ),
    );
  }
  return {
    window: { from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() },
    source: sources.join(' + '),
    spans: inWindow.length,
    logs: logs.length,
    gates,
    failed: gates.some((g) => g.status === 'fail'),
  };
}
