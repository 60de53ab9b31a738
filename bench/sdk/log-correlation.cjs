// Micro-benchmark: cost of trace correlation per pino log call inside an active span (null destination, so only
// the logger's own work is measured). Prints JSON with ns per call.
const { init, createLogger, withSpan } = require('@sightline/node');
const pino = require('pino');

init({ traces: { exporter: 'none' }, metrics: { exporter: 'none' }, logs: { exporter: 'none' }, handleSignals: false });
const sink = { write() {} };
const plain = pino({}, sink);
const correlated = createLogger({ otlp: false, pretty: false }, sink);
const full = createLogger({ pretty: false }, sink);
const N = Number(process.env.BENCH_LOG_CALLS ?? 300000);

function time(logger) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) logger.info({ i }, 'hello');
  return Number(process.hrtime.bigint() - start) / N;
}

withSpan('bench', () => {
  const best = { plain: Infinity, correlated: Infinity, full: Infinity };
  for (let round = 0; round < 7; round++) {
    best.plain = Math.min(best.plain, time(plain));
    best.correlated = Math.min(best.correlated, time(correlated));
    best.full = Math.min(best.full, time(full));
  }
  process.stdout.write(`${JSON.stringify(best)}\n`);
});
