import { KitError } from '../kit-error.js';

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800 };
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d|w)$/;

/** Parses `500ms`, `30d`, `744h` into seconds; `field` names the config field or flag in the error. */
export function durationSeconds(value: string, field: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) {
    throw new KitError(
      'SIGHTLINE_ERR_CONFIG_INVALID',
      `${field}: "${value}" is not a duration; use a number followed by ms, s, m, h, d or w (e.g. 500ms, 30d)`,
    );
  }
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

export function isDuration(value: string): boolean {
  return DURATION.test(value.trim());
}

/** Renders seconds as the largest whole Prometheus duration unit (`30d`, `6h`, `5m`). */
export function promDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86400],
    ['h', 3600],
    ['m', 60],
    ['s', 1],
  ] as const) {
    if (seconds >= size && Number.isInteger(seconds / size)) return `${seconds / size}${unit}`;
  }
  return `${Math.round(seconds * 1000)}ms`;
}

/** Renders seconds as whole hours (`744h`), the unit Loki and Tempo retention settings accept everywhere. */
export function hoursDuration(seconds: number): string {
  return `${Math.max(1, Math.round(seconds / 3600))}h`;
}
