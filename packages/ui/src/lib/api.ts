// Fetching from the query API, with the page's refresh tick and no flashing while reloading.
import { useLayoutEffect, useState } from 'preact/hooks';
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

interface Prefetch {
  url: string;
  response: Promise<Response | undefined>;
}

/** The request index.html started before the script loaded, if it is for `url` (used once, and only if it succeeded). */
async function takePrefetch(url: string): Promise<Response | undefined> {
  const w = window as unknown as { __sightlinePrefetch?: Prefetch };
  const pre = w.__sightlinePrefetch;
  if (!pre || pre.url !== url) return undefined;
  w.__sightlinePrefetch = undefined;
  const res = await pre.response;
  return res?.ok ? res : undefined;
}

export async function getJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const res =
    (await takePrefetch(url)) ??
    (await fetch(url, { signal, headers: { accept: 'application/json', ...authHeaders() } }));
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
 * data stays on screen while a reload is in flight so nothing jumps. `afterPaint` delays the request until the
 * page has painted (secondary data such as sparklines must not hold up the first paint).
 */
export function useApi<T>(url: string | null, opts: { refresh?: boolean; afterPaint?: boolean } = {}): ApiState<T> {
  const tick = useRefreshTick();
  const effectiveTick = opts.refresh === false ? 0 : tick;
  const [state, setState] = useState<ApiState<T>>({ data: undefined, error: undefined, loading: url != null });
  // A layout effect starts the request before the first paint instead of one frame after it.
  useLayoutEffect(() => {
    if (url == null) {
      setState((s) =>
        s.data === undefined && !s.loading && !s.error ? s : { data: undefined, error: undefined, loading: false },
      );
      return;
    }
    const ctrl = new AbortController();
    // Same object back = no extra render (the first render already says "loading").
    setState((s) => (s.loading && !s.error ? s : { data: s.data, error: undefined, loading: true }));
    const start = () =>
      getJson<T>(url, ctrl.signal).then(
        (data) => setState({ data, error: undefined, loading: false }),
        (error: Error) => {
          if (ctrl.signal.aborted) return;
          setState((s) => ({ data: s.data, error, loading: false }));
        },
      );
    let frame = 0;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (opts.afterPaint) frame = requestAnimationFrame(() => (timer = setTimeout(start, 0)));
    else void start();
    return () => {
      ctrl.abort();
      cancelAnimationFrame(frame);
      if (timer) clearTimeout(timer);
    };
  }, [url, effectiveTick]);
  return state;
}
