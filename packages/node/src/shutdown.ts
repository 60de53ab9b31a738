// Flush on SIGTERM/SIGINT within a deadline.
// - Nobody else handles the signal: shut the SDK down (flushing everything), then die of the signal as usual.
// - The app has its own handler (it drains and exits when it is done): flush now but keep the SDK running, so the
//   requests answered during the drain are still recorded; shut down when the app calls process.exit() (held until
//   the final flush is done or the deadline passes) or when the event loop empties (beforeExit, see sdk.ts).

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

export function installSignalHandlers(
  flush: () => Promise<void>,
  shutdown: () => Promise<void>,
  deadlineMs: number,
): () => void {
  const realExit = process.exit;
  const handlers = new Map<NodeJS.Signals, () => void>();
  let exitHeld = false;
  const uninstall = (): void => {
    for (const [sig, h] of handlers) process.removeListener(sig, h);
    handlers.clear();
  };

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    const handler = (): void => {
      const appHandlers = process.listenerCount(sig) - 1;
      if (appHandlers === 0) {
        void withDeadline(shutdown(), deadlineMs).finally(() => {
          uninstall();
          process.exit = realExit;
          process.kill(process.pid, sig);
        });
        return;
      }
      void withDeadline(flush(), deadlineMs);
      if (!exitHeld) {
        exitHeld = true;
        process.exit = function exit(this: NodeJS.Process, ...args: unknown[]) {
          process.exit = realExit;
          // Same arguments as the app gave: process.exit() keeps the app's process.exitCode.
          void withDeadline(shutdown(), deadlineMs).finally(() =>
            (realExit as (...a: unknown[]) => never).apply(process, args),
          );
        } as typeof process.exit;
      }
    };
    handlers.set(sig, handler);
    process.on(sig, handler);
  }
  return uninstall;
}
