// Soak probe (bench/sdk/run.mjs, with --expose-gc): every 10 s, a full GC and then the live heap, as one JSON line on
// stderr. RSS saw-tooths with GC; the heap that survives a full collection is what a leak would grow.
if (typeof global.gc === 'function') {
  setInterval(() => {
    global.gc();
    const { heapUsed } = process.memoryUsage();
    process.stderr.write(`${JSON.stringify({ heapAfterGc: heapUsed / 1048576 })}\n`);
  }, 10_000).unref();
}
