// Human-readable numbers for durations, rates and metric units.

export function formatDurationMs(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '–';
  const abs = Math.abs(ms);
  if (abs === 0) return '0 ms';
  // Round first so 999.96 ms reads "1 s", not "1000 ms".
  if (abs < 1 && Math.abs(Number(trim(ms * 1000))) < 1000) return `${trim(ms * 1000)} µs`;
  if (abs < 1000 && Math.abs(Number(trim(ms))) < 1000) return `${trim(ms)} ms`;
  if (abs < 60_000) return `${trim(ms / 1000)} s`;
  return `${trim(ms / 60_000)} min`;
}

/** Three significant digits, no trailing zeros. */
export function trim(n: number): string {
  if (!Number.isFinite(n)) return '–';
  const abs = Math.abs(n);
  if (abs >= 100) return String(Math.round(n));
  if (abs >= 10) return String(Math.round(n * 10) / 10);
  if (abs >= 1) return String(Math.round(n * 100) / 100);
  return String(Number(n.toPrecision(3)));
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond == null || !Number.isFinite(perSecond)) return '–';
  return `${trim(perSecond)}/s`;
}

export function formatPercent(ratio: number | null | undefined): string {
  if (ratio == null || !Number.isFinite(ratio)) return '–';
  return `${trim(ratio * 100)}%`;
}

export function formatCount(n: number): string {
  if (n >= 1e9) return `${trim(n / 1e9)}G`;
  if (n >= 1e6) return `${trim(n / 1e6)}M`;
  if (n >= 1e4) return `${trim(n / 1e3)}k`;
  return trim(n);
}

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** Format a value in a UCUM unit as used by OpenTelemetry (`s`, `ms`, `By`, `1`, `{request}`). */
export function formatUnit(value: number | null | undefined, unit: string): string {
  if (value == null || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 's':
      return formatDurationMs(value * 1000);
    case 'ms':
      return formatDurationMs(value);
    case 'us':
      return formatDurationMs(value / 1000);
    case 'ns':
      return formatDurationMs(value / 1e6);
    case 'By': {
      let v = value;
      let i = 0;
      while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
        v /= 1024;
        i++;
      }
      return `${trim(v)} ${BYTE_UNITS[i]}`;
    }
    case '1':
    case '':
      return formatCount(value);
    case '/s':
      return formatRate(value);
    case '%':
      return `${trim(value)}%`;
    default: {
      const label = unit.startsWith('{') && unit.endsWith('}') ? unit.slice(1, -1) : unit;
      return `${formatCount(value)} ${label}`;
    }
  }
}

export function formatTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${formatTime(ms)}`;
}
