// The SDK reports its own problems here, never by throwing into the app (unless SIGHTLINE_STRICT=1 asked for it).

export type Signal = 'traces' | 'metrics' | 'logs';

/** Raised instead of a warning when strict mode is on. */
export class SightlineConfigError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`${code}: ${message}`);
    this.name = 'SightlineConfigError';
    this.code = code;
  }
}

let quiet = false;
/** OTEL_LOG_LEVEL=none silences the SDK's own warnings. */
export function setQuiet(value: boolean): void {
  quiet = value;
}

export function warn(code: string, message: string): void {
  if (quiet) return;
  process.stderr.write(`sightline: warning ${code}: ${message}\n`);
}

const dropped: Record<Signal, number> = { traces: 0, metrics: 0, logs: 0 };
const DROP_WARNING_INTERVAL_MS = 60_000;
let lastDropWarning = 0;

/** Counts telemetry the SDK had to give up on; warns at most once a minute. */
export function recordDropped(signal: Signal, count: number, reason: string): void {
  if (count <= 0) return;
  dropped[signal] += count;
  const now = Date.now();
  if (now - lastDropWarning < DROP_WARNING_INTERVAL_MS) return;
  lastDropWarning = now;
  warn(
    'SIGHTLINE_ERR_SDK_DROPPED',
    `dropped ${count} ${signal} item(s) (${reason}); totals so far: traces=${dropped.traces} metrics=${dropped.metrics} logs=${dropped.logs}. The app keeps serving; see the self-metric sightline.sdk.dropped. Next warning in 60 s at the earliest.`,
  );
}

export function droppedTotals(): Readonly<Record<Signal, number>> {
  return dropped;
}
