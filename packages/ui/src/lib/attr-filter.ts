// `attr.<key>=<value>` query parameters ⇄ the "key=value, key=value" text a user types.

export function attrsFromParams(p: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of p) if (k.startsWith('attr.') && k.length > 5) out[k] = v;
  return out;
}

export function attrsToText(p: URLSearchParams): string {
  return Object.entries(attrsFromParams(p))
    .map(([k, v]) => `${k.slice(5)}=${v}`)
    .join(', ');
}

/** Parse "a=b, c=d"; returns the params to set, or an error naming the bad part and the accepted form. */
export function parseAttrText(text: string): { attrs: Record<string, string> } | { error: string } {
  const attrs: Record<string, string> = {};
  for (const part of text.split(',')) {
    const s = part.trim();
    if (!s) continue;
    const eq = s.indexOf('=');
    if (eq <= 0) return { error: `attribute filter "${s}" is not key=value (e.g. http.route=/orders)` };
    attrs[`attr.${s.slice(0, eq).trim()}`] = s.slice(eq + 1).trim();
  }
  return { attrs };
}

/** Patch for setParams(): clears old attr.* and sets the new ones. */
export function attrPatch(p: URLSearchParams, attrs: Record<string, string>): Record<string, string | undefined> {
  const patch: Record<string, string | undefined> = {};
  for (const k of Object.keys(attrsFromParams(p))) patch[k] = undefined;
  return Object.assign(patch, attrs);
}
