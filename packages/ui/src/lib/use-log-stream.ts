// The logs list state: first page, infinite scroll by cursor, refresh merges newer rows, live tail over SSE.
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiError, getJson } from './api';
import type { LogRow } from './api-types';
import { useRefreshTick } from './refresh';
import { openSse } from './sse';

const PAGE = 500;
/** Live tail keeps at most this many rows in memory, dropping the oldest. */
const TAIL_CAP = 200_000;

export interface LogStream {
  rows: LogRow[];
  loading: boolean;
  done: boolean;
  error: Error | undefined;
  /** Rows added at the top by the last update (keeps the scroll position stable). */
  prepended: number;
  loadMore: () => void;
  tailing: boolean;
}

export function useLogStream(query: string, tail: boolean): LogStream {
  const tick = useRefreshTick();
  const [rows, setRows] = useState<LogRow[]>([]);
  const [prepended, setPrepended] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error | undefined>();
  const cursor = useRef<string | null | undefined>(undefined);
  const inflight = useRef(false);
  const generation = useRef(0);
  const ids = useRef(new Set<string>());

  const addTop = (fresh: LogRow[]) => {
    const add = fresh.filter((r) => !ids.current.has(r.id));
    if (!add.length) return;
    for (const r of add) ids.current.add(r.id);
    add.sort((a, b) => b.timeMs - a.timeMs);
    setRows((cur) => {
      const next = add.concat(cur);
      return next.length > TAIL_CAP ? next.slice(0, TAIL_CAP) : next;
    });
    setPrepended((p) => p + add.length);
  };

  const fetchPage = (gen: number, after: string | null | undefined) => {
    inflight.current = true;
    setLoading(true);
    const url = `/api/logs?${query}&limit=${PAGE}${after ? `&cursor=${encodeURIComponent(after)}` : ''}`;
    getJson<{ logs: LogRow[]; nextCursor: string | null }>(url).then(
      (res) => {
        if (gen !== generation.current) return;
        inflight.current = false;
        setLoading(false);
        cursor.current = res.nextCursor;
        const add = res.logs.filter((r) => !ids.current.has(r.id));
        for (const r of add) ids.current.add(r.id);
        setRows((cur) => (after ? cur.concat(add) : add));
      },
      (e: ApiError) => {
        if (gen !== generation.current) return;
        inflight.current = false;
        setLoading(false);
        setError(e);
      },
    );
  };

  // New filters: start over.
  useEffect(() => {
    const gen = ++generation.current;
    ids.current = new Set();
    cursor.current = undefined;
    setRows([]);
    setPrepended(0);
    setError(undefined);
    fetchPage(gen, undefined);
  }, [query]);

  // Auto-refresh: merge what is newer than the top row instead of resetting the scroll.
  useEffect(() => {
    if (tick === 0 || tail) return;
    const gen = generation.current;
    getJson<{ logs: LogRow[] }>(`/api/logs?${query}&limit=${PAGE}`).then(
      (res) => gen === generation.current && addTop(res.logs),
      () => undefined,
    );
  }, [tick]);

  useEffect(() => {
    if (!tail) return;
    const gen = generation.current;
    let batch: LogRow[] = [];
    let timer: ReturnType<typeof setTimeout> | undefined;
    const sse = openSse(
      `/api/logs/tail?${query}`,
      (data) => {
        try {
          batch.push(JSON.parse(data) as LogRow);
        } catch {
          return;
        }
        // Coalesce bursts into one render per 100 ms.
        timer ??= setTimeout(() => {
          timer = undefined;
          if (gen === generation.current) addTop(batch);
          batch = [];
        }, 100);
      },
      (connected, message) =>
        setError(connected ? undefined : new Error(`Live tail disconnected (${message}); retrying`)),
    );
    return () => {
      sse.close();
      if (timer) clearTimeout(timer);
    };
  }, [tail, query]);

  return {
    rows,
    loading,
    done: cursor.current === null,
    error,
    prepended,
    tailing: tail,
    loadMore: () => {
      if (!inflight.current && cursor.current) fetchPage(generation.current, cursor.current);
    },
  };
}
