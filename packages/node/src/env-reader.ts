// Typed reads of environment variables: every bad value is reported (warning, or SightlineConfigError when
// strict) naming the variable, the value and what is accepted. Used only by config.ts.
import { SightlineConfigError, warn } from './diagnostics.js';

export type Env = Record<string, string | undefined>;

export class Reader {
  constructor(
    private readonly env: Env,
    readonly strict: boolean,
    private readonly silent = false,
  ) {}

  str(name: string): string | undefined {
    const v = this.env[name]?.trim();
    return v ? v : undefined;
  }

  problem(code: string, message: string): void {
    if (this.silent) return;
    if (this.strict) throw new SightlineConfigError(code, message);
    warn(code, message);
  }

  oneOf<T extends string>(name: string, accepted: readonly T[], fallback: T, code: string): T | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    const v = raw.toLowerCase() as T;
    if (accepted.includes(v)) return v;
    this.problem(code, `${name}="${raw}" is not accepted; use one of ${accepted.join(', ')}. Using "${fallback}".`);
    return fallback;
  }

  num(name: string, fallback: number, min: number): number | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (Number.isFinite(n) && n >= min) return n;
    this.problem('SIGHTLINE_ERR_SDK_NUMBER', `${name}="${raw}" is not a number >= ${min}. Using ${fallback}.`);
    return fallback;
  }

  bool(name: string): boolean | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    const v = raw.toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    this.problem('SIGHTLINE_ERR_SDK_BOOLEAN', `${name}="${raw}" is not a boolean; use true or false. Using false.`);
    return false;
  }

  list(name: string): string[] | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    return raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** W3C-baggage-like `k=v,k2=v2` (OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_HEADERS); malformed entries skipped. */
  pairs(name: string): Record<string, string> | undefined {
    const raw = this.str(name);
    if (raw === undefined) return undefined;
    const out: Record<string, string> = {};
    for (const part of raw.split(',')) {
      if (!part.trim()) continue;
      const eq = part.indexOf('=');
      const key = eq > 0 ? part.slice(0, eq).trim() : '';
      if (!key) {
        this.problem(
          'SIGHTLINE_ERR_SDK_KEY_VALUE_LIST',
          `${name} entry "${part.trim()}" is malformed; expected comma-separated key=value pairs (e.g. a=1,b=2). Entry ignored.`,
        );
        continue;
      }
      let value = part.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep the raw value: a stray % is not worth dropping the attribute for
      }
      out[key] = value;
    }
    return out;
  }
}

export function validUrl(reader: Reader, name: string, value: string, fallback: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    // reported below
  }
  reader.problem(
    'SIGHTLINE_ERR_SDK_ENDPOINT',
    `${name}="${value}" is not a valid http(s) URL (e.g. http://localhost:4317). Using ${fallback}.`,
  );
  return fallback;
}
