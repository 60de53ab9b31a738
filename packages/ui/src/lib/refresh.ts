// One auto-refresh clock for the whole app, driven by the `refresh` query parameter.
import { useEffect, useState } from 'preact/hooks';

type Listener = (tick: number) => void;
let tick = 0;
let timer: ReturnType<typeof setInterval> | undefined;
let currentMs = 0;
const listeners = new Set<Listener>();

export const REFRESH_CHOICES: { label: string; value: string; ms: number }[] = [
  { label: 'Off', value: '', ms: 0 },
  { label: '5s', value: '5s', ms: 5000 },
  { label: '10s', value: '10s', ms: 10_000 },
  { label: '30s', value: '30s', ms: 30_000 },
  { label: '1m', value: '1m', ms: 60_000 },
];

export function setRefreshInterval(value: string | null): void {
  const ms = REFRESH_CHOICES.find((c) => c.value === (value ?? ''))?.ms ?? 0;
  if (ms === currentMs) return;
  currentMs = ms;
  if (timer) clearInterval(timer);
  timer = ms ? setInterval(refreshNow, ms) : undefined;
}

export function refreshNow(): void {
  // A hidden tab does not need fresh data; it catches up on the next tick after it is shown.
  if (document.visibilityState === 'hidden') return;
  tick++;
  for (const l of listeners) l(tick);
}

export function useRefreshTick(): number {
  const [t, setT] = useState(tick);
  useEffect(() => {
    listeners.add(setT);
    return () => {
      listeners.delete(setT);
    };
  }, []);
  return t;
}
