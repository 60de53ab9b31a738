// `sightline up --token T`: the UI keeps the token for this tab and sends it as `Authorization: Bearer T` on every
// API request. It arrives once in the URL fragment (`http://host:4400/#token=T`, never sent to the server) or from
// the prompt shown after a 401, and lives in sessionStorage, not in shareable URLs.

const KEY = 'sightline.token';

function readFragment(): void {
  if (typeof window === 'undefined') return;
  const m = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
  if (!m) return;
  sessionStorage.setItem(KEY, decodeURIComponent(m[1] as string));
  history.replaceState(null, '', window.location.pathname + window.location.search);
}
readFragment();

export function getToken(): string | null {
  return typeof sessionStorage === 'undefined' ? null : sessionStorage.getItem(KEY);
}

export function setToken(token: string): void {
  if (token) sessionStorage.setItem(KEY, token);
  else sessionStorage.removeItem(KEY);
}

export function authHeaders(): Record<string, string> {
  const t = getToken();
  return t ? { authorization: `Bearer ${t}` } : {};
}
