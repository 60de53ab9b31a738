// Micro-benchmark: cost of trace correlation per pino log call inside an active span (null destination, so only
// the logger's own work is measured). Prints JSON with ns per call. `full` also makes the OTLP log record and hands
// it to the log sink, which with the logs exporter off does not encode it (encoding: npm run bench:sdk:encode).
const { init, createLogger, withSpan } = require('@sightline/node');
const pino = require('pino');

init({ traces: { exporter: 'none' }, metrics: { exporter: 'none' }, logs: { exporter: 'none' }, handleSignals: false });
const sink = { write() {} };
const plainLogger = pino({}, sink);
const correlated = createLogger({ otlp: false, pretty: false }, sink);
const full = createLogger({ pretty: false }, sink);
const N = Number(process.env.BENCH_LOG_CALLS ?? 50000);
const ROUNDS = 21;

function time(logger) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) logger.info({ i }, 'hello');
  return Number(process.hrtime.bigint() - start) / N;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Interleaved short rounds; the cost is the median of the per-round differences, which cancels machine drift.
withSpan('bench', () => {
  const plain = [];
  const correlatedCost = [];
  const fullCost = [];
  for (let round = 0; round < ROUNDS; round++) {
    const p = time(plainLogger);
    plain.push(p);
    correlatedCost.push(time(correlated) - p);
    fullCost.push(time(full) - p);
  }
  const p = median(plain);
  const c = median(correlatedCost);
  const f = median(fullCost);
  process.stdout.write(`${JSON.stringify({ plain: p, correlated: p + c, full: p + f })}\n`);
});
