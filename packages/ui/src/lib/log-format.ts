// Log severities and bodies as a reader wants them.

export const SEVERITIES = [
  { value: 'trace', label: 'Trace', min: 1 },
  { value: 'debug', label: 'Debug', min: 5 },
  { value: 'info', label: 'Info', min: 9 },
  { value: 'warn', label: 'Warn', min: 13 },
  { value: 'error', label: 'Error', min: 17 },
  { value: 'fatal', label: 'Fatal', min: 21 },
];

export function severityName(n: number, text?: string): string {
  if (text) return text.toLowerCase();
  let name = 'unset';
  for (const s of SEVERITIES) if (n >= s.min) name = s.value;
  return name;
}

export function severityClass(n: number): string {
  if (n >= 17) return 'sev-error';
  if (n >= 13) return 'sev-warn';
  if (n >= 9) return 'sev-info';
  return 'sev-debug';
}

/**
 * One line for the list: strings as they are, structured bodies as compact JSON, cut at `max` characters
 * (a row shows ~200; shaping megabyte-long lines on every scroll frame is what makes lists stutter).
 */
export function bodyLine(body: unknown, max = 400): string {
  const s = typeof body === 'string' ? body : body == null ? '' : JSON.stringify(body);
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** Pretty JSON when the body is structured or a string holding JSON; null when it is plain text. */
export function prettyBody(body: unknown): string | null {
  if (body != null && typeof body === 'object') return JSON.stringify(body, null, 2);
  if (typeof body === 'string') {
    const t = body.trim();
    if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
      try {
        return JSON.stringify(JSON.parse(t), null, 2);
      } catch {
        return null;
      }
    }
  }
  return null;
}
