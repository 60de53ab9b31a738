// Path + query-string routing: every piece of page state lives in the URL so links can be shared.
import { useEffect, useState } from 'preact/hooks';

type Listener = () => void;
const listeners = new Set<Listener>();

function notify(): void {
  for (const l of listeners) l();
}
window.addEventListener('popstate', notify);

export function currentParams(): URLSearchParams {
  return new URLSearchParams(window.location.search);
}

/** Go to a path; `params` replaces the query string (pass currentParams() to keep it). */
export function navigate(path: string, params?: URLSearchParams, replace = false): void {
  const qs = params?.toString() ?? '';
  const url = qs ? `${path}?${qs}` : path;
  if (url === window.location.pathname + window.location.search) return;
  if (replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  notify();
}

/** Set query parameters on the current page; empty/undefined values are removed. */
export function setParams(patch: Record<string, string | undefined | null>, replace = true): void {
  const p = currentParams();
  for (const [k, v] of Object.entries(patch)) {
    if (v == null || v === '') p.delete(k);
    else p.set(k, v);
  }
  navigate(window.location.pathname, p, replace);
}

/** Build an href that keeps the shared parameters (time range, refresh) and adds others. */
export function hrefWith(path: string, extra: Record<string, string | undefined> = {}): string {
  const cur = currentParams();
  const p = new URLSearchParams();
  for (const k of ['from', 'to', 'refresh']) {
    const v = cur.get(k);
    if (v) p.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface Location {
  path: string;
  params: URLSearchParams;
}

export function useLocation(): Location {
  const [, setTick] = useState(0);
  useEffect(() => {
    const l = () => setTick((t) => t + 1);
    listeners.add(l);
    return () => {
      listeners.delete(l);
    };
  }, []);
  return { path: window.location.pathname, params: currentParams() };
}

/** Intercept a click on an internal <a> so navigation stays in the app (modifier clicks open new tabs). */
export function onLinkClick(e: MouseEvent): void {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = (e.target as Element | null)?.closest?.('a');
  if (!a || a.target || a.origin !== window.location.origin || a.hasAttribute('download')) return;
  e.preventDefault();
  history.pushState(null, '', a.pathname + a.search);
  notify();
}
