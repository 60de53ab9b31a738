// Server-Sent Events over fetch(): unlike EventSource it can send the Authorization header (`--token`).
import { authHeaders } from './auth-token';

export interface SseHandle {
  close(): void;
}

/** Calls `onData` with each event's data; retries after `retryMs` when the stream ends or fails. */
export function openSse(
  url: string,
  onData: (data: string) => void,
  onState: (connected: boolean, error?: string) => void,
  retryMs = 2000,
): SseHandle {
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const connect = async () => {
    try {
      const res = await fetch(url, { signal: ctrl.signal, headers: { accept: 'text/event-stream', ...authHeaders() } });
      if (!res.ok || !res.body) throw new Error(`live tail answered ${res.status}`);
      onState(true);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let end = buf.indexOf('\n\n');
        while (end >= 0) {
          const event = buf.slice(0, end);
          buf = buf.slice(end + 2);
          const data = event
            .split('\n')
            .filter((l) => l.startsWith('data:'))
            .map((l) => l.slice(l.startsWith('data: ') ? 6 : 5))
            .join('\n');
          if (data) onData(data);
          end = buf.indexOf('\n\n');
        }
      }
      throw new Error('live tail stream ended');
    } catch (e) {
      if (ctrl.signal.aborted) return;
      onState(false, (e as Error).message);
      timer = setTimeout(connect, retryMs);
    }
  };
  void connect();
  return {
    close() {
      ctrl.abort();
      if (timer) clearTimeout(timer);
    },
  };
}
