// Secrets never reach spans or logs: headers by name, query parameters whose names look secret, SQL literals.

export const REDACTED = 'REDACTED';

/** Splits `accessToken`, `access_token`, `x-api-key` into lowercase words. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[-_.\s[\]]+/)
    .filter(Boolean);
}

export function createQueryRedactor(secretNames: readonly string[]): (query: string) => string {
  const secrets = new Set(secretNames.map((s) => s.toLowerCase()));
  const isSecret = (name: string): boolean => {
    let decoded = name;
    try {
      decoded = decodeURIComponent(name);
    } catch {
      // undecodable names are judged as written
    }
    if (secrets.has(decoded.toLowerCase())) return true;
    const parts = words(decoded);
    if (parts.some((p) => secrets.has(p))) return true;
    // `api_key` style entries against `apiKey` style names
    return secrets.has(parts.join('_'));
  };
  return (query: string): string => {
    if (!query) return query;
    return query
      .split('&')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const name = eq === -1 ? pair : pair.slice(0, eq);
        return eq !== -1 && isSecret(name) ? `${name}=${REDACTED}` : pair;
      })
      .join('&');
  };
}

/** Keeps the statement's shape, drops literal values: `WHERE a = 'x' AND b = 42` → `WHERE a = ? AND b = ?`. */
export function redactSql(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/\$\$[\s\S]*?\$\$/g, '?')
    .replace(/(?<![\w$.])-?\d+(?:\.\d+)?(?:e[+-]?\d+)?\b/gi, '?');
}

export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
  secretHeaders: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined) continue;
    out[k] = secretHeaders.includes(k.toLowerCase()) ? REDACTED : Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}
