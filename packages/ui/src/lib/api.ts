// Fetching from the query API, with the page's refresh tick and no flashing while reloading.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { authHeaders } from './auth-token';
import { useRefreshTick } from './refresh';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function apiUrl(path: string, params: Record<string, string | number | undefined | null> = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v != null && v !== '') p.set(k, String(v));
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res = await fetch(url, { signal, headers: { accept: 'application/json', ...authHeaders() } });
  const text = await res.text();
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    throw new ApiError(res.status, 'SIGHTLINE_UI_BAD_RESPONSE', `${url} answered ${res.status} with non-JSON`);
  }
  if (!res.ok) {
    const err = (body as { error?: { code?: string; message?: string } } | undefined)?.error;
    throw new ApiError(res.status, err?.code ?? `HTTP_${res.status}`, err?.message ?? `${url} answered ${res.status}`);
  }
  return body as T;
}

export interface ApiState<T> {
  data: T | undefined;
  error: ApiError | Error | undefined;
  loading: boolean;
}

/**
 * Load `url` (null = nothing to load). Reloads when the url or the auto-refresh tick changes; the previous
 * data stays on screen while a reload is in flight so nothing jumps.
 */
export function useApi<T>(url: string | null, opts: { refresh?: boolean } = {}): ApiState<T> {
  const tick = useRefreshTick();
  const effectiveTick = opts.refresh === false ? 0 : tick;
  const [state, setState] = useState<ApiState<T>>({ data: undefined, error: undefined, loading: url != null });
  const lastUrl = useRef<string | null>(null);
  // A layout effect starts the request before the first paint instead of one frame after it.
  useLayoutEffect(() => {
    if (url == null) {
      setState({ data: undefined, error: undefined, loading: false });
      return;
    }
    const ctrl = new AbortController();
    const sameUrl = lastUrl.current === url;
    lastUrl.current = url;
    setState((s) => ({ data: sameUrl ? s.data : s.data, error: undefined, loading: true }));
    getJson<T>(url, ctrl.signal).then(
      (data) => setState({ data, error: undefined, loading: false }),
      (error: Error) => {
        if (ctrl.signal.aborted) return;
        setState((s) => ({ data: s.data, error, loading: false }));
      },
    );
    return () => ctrl.abort();
  }, [url, effectiveTick]);
  return state;
}
