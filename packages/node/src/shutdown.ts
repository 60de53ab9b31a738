// Flush on SIGTERM/SIGINT within a deadline. When the app has its own handlers we flush alongside them and, if the
// app calls process.exit() meanwhile, hold that exit until the flush is done (or the deadline passes).

export function withDeadline(work: Promise<void>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref();
    work.then(
      () => {
        clearTimeout(t);
        resolve();
      },
      () => {
        clearTimeout(t);
        resolve();
      },
    );
  });
}

export function installSignalHandlers(flush: () => Promise<void>, deadlineMs: number): () => void {
  let flushing: Promise<void> | undefined;
  const realExit = process.exit;
  const handlers = new Map<NodeJS.Signals, () => void>();
  const uninstall = (): void => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    handlers.clear();
  };

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const handler = (): void => {
      const appHandlers = process.listenerCount(sig) - 1;
      if (!flushing) {
        flushing = withDeadline(flush(), deadlineMs);
        process.exit = ((code?: number | string | null) => {
          void flushing?.finally(() => realExit.call(process, code ?? undefined));
        }) as typeof process.exit;
      }
      if (appHandlers === 0) {
        // Nobody else handles the signal: flush, then die of it as the default action would.
        void flushing.finally(() => {
          uninstall();
          process.exit = realExit;
          process.kill(process.pid, sig);
        });
      }
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return uninstall;
}
