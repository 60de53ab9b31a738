// npm run bench:server — sustained OTLP/HTTP ingest and query latency of `sightline up`, against baselines measured
// in the same run (raw protobuf decode rate, raw DuckDB appender rate). Scale with BENCH_SPANS / BENCH_LOGS
// (default 1,000,000 each; the issue's full scale is 5,000,000).
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeOtlpProtobuf, openStore, toRows } from '@sightline/server';
import { writeRows } from '@sightline/server/dist/store-writer.js';
import { logBatch, spanBatch, traceIdOf } from './payloads.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const SPANS = Number(process.env.BENCH_SPANS ?? 1_000_000);
const LOGS = Number(process.env.BENCH_LOGS ?? 1_000_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 6);
const RETENTION = 7 * 86_400_000;
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const results = [];
const report = (name, value, unit, target, baseline) => {
  results.push({ name, value, unit, target, baseline });
  console.log(
    `${name.padEnd(44)} ${fmt(value).padStart(12)} ${unit}${target ? `   target ${target}` : ''}${baseline ? `   (${(value / baseline.value).toFixed(2)}× ${baseline.name})` : ''}`,
  );
};

// ---- baselines (this process) ----
const now = Date.now();
const spanPayload = spanBatch(0, 1, now);
const logPayload = logBatch(0, 1, now);
function rate(fn, items, minMs = 1500) {
  fn();
  let n = 0;
  const t = performance.now();
  while (performance.now() - t < minMs) {
    fn();
    n++;
  }
  return (n * items) / ((performance.now() - t) / 1000);
}
const decodeSpans = rate(() => toRows('traces', decodeOtlpProtobuf('traces', spanPayload), RETENTION), 1000);
const decodeLogs = rate(() => toRows('logs', decodeOtlpProtobuf('logs', logPayload), RETENTION), 1000);
report('baseline: decode+validate spans (1 core)', decodeSpans, 'spans/s');
report('baseline: decode+validate logs (1 core)', decodeLogs, 'logs/s');

const appendDir = mkdtempSync(join(tmpdir(), 'sightline-bench-append-'));
const store = await openStore(appendDir);
const spanRows = toRows('traces', decodeOtlpProtobuf('traces', spanPayload), RETENTION).spans;
const logRows = toRows('logs', decodeOtlpProtobuf('logs', logPayload), RETENTION).logs;
async function appendRate(kind) {
  const n = 100;
  const t = performance.now();
  for (let i = 0; i < n; i++) {
    await writeRows(store.writer, kind === 'spans' ? [spanRows] : [], kind === 'logs' ? [logRows] : [], [], {
      spans: i * 1000,
      logs: i * 1000,
      points: 0,
    });
  }
  return (n * 1000) / ((performance.now() - t) / 1000);
}
const appendSpans = await appendRate('spans');
const appendLogs = await appendRate('logs');
await store.close();
rmSync(appendDir, { recursive: true, force: true });
report('baseline: DuckDB appender, committed spans', appendSpans, 'rows/s');
report('baseline: DuckDB appender, committed logs', appendLogs, 'rows/s');

// ---- sightline up in its own process ----
execFileSync('npx', ['tsc', '-b', 'packages/server'], { cwd: root, stdio: 'inherit' });
const dataDir = mkdtempSync(join(tmpdir(), 'sightline-bench-'));
const server = spawn(
  process.execPath,
  [
    join(root, 'packages/cli/dist/bin.js'),
    'up',
    '--data-dir',
    dataDir,
    '--port',
    '0',
    '--otlp-grpc-port',
    '0',
    '--otlp-http-port',
    '0',
    '--max-body',
    '64MiB',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
let out = '';
server.stdout.on('data', (d) => (out += d));
while (!out.includes('Press Ctrl-C')) {
  if (server.exitCode !== null) throw new Error(`sightline up exited: ${out}`);
  await new Promise((r) => setTimeout(r, 50));
}
const httpUrl = /OTLP HTTP\s+(\S+)/.exec(out)[1];
const apiUrl = /UI \+ API\s+(\S+)/.exec(out)[1];
const peakRss = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))[1]) * 1024;

function generate(signal, items, worker) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        fileURLToPath(new URL('./load-generator.mjs', import.meta.url)),
        httpUrl,
        signal,
        String(Math.ceil(items / 1000)),
        String(CONCURRENCY),
        String(worker),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    child.stdout.on('data', (d) => (text += d));
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(text)) : reject(new Error(`load generator exited ${code}`)),
    );
  });
}
const spansRun = await generate('traces', SPANS, 1);
report(`sightline up: sustained span ingest (${fmt(spansRun.acked)})`, spansRun.perSecond, 'spans/s', '≥ 60,000', {
  name: 'decode baseline',
  value: decodeSpans,
});
const logsRun = await generate('logs', LOGS, 2);
report(`sightline up: sustained log ingest (${fmt(logsRun.acked)})`, logsRun.perSecond, 'logs/s', '≥ 100,000', {
  name: 'decode baseline',
  value: decodeLogs,
});
report('sightline up: peak RSS during ingest', peakRss() / 1024 / 1024, 'MiB', '< 1024');

// ---- queries on the stored data ----
async function latencies(n, makeUrl) {
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    const res = await fetch(makeUrl(i));
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`${makeUrl(i)} → ${res.status}`);
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  return { p50: ms[Math.floor(n * 0.5)], p99: ms[Math.min(n - 1, Math.floor(n * 0.99))] };
}
const spanBatches = Math.ceil(SPANS / 1000);
const logBatches = Math.ceil(LOGS / 1000);
const pick = (i, batches) => [(i * 7919) % batches, (i * 31) % 100];
const byId = await latencies(200, (i) => {
  const [b, t] = pick(i, spanBatches);
  return `${apiUrl}/api/traces/${traceIdOf(1, b, t)}`;
});
const logsById = await latencies(200, (i) => {
  const [b, t] = pick(i, logBatches);
  return `${apiUrl}/api/logs?from=now-3h&traceId=${traceIdOf(2, b, t)}`;
});
const red = await latencies(20, () => `${apiUrl}/api/services?from=now-1h`);
const health = await (await fetch(`${apiUrl}/api/health`)).json();
console.log(`stored: ${JSON.stringify(health.storage)}`);
report('trace by id p99 (ms ×1000)', byId.p99 * 1000, 'µs', '< 50 ms');
report('logs by trace_id p99 (ms ×1000)', logsById.p99 * 1000, 'µs', '< 50 ms');
report('service RED summary over 1 h p99 (ms ×1000)', red.p99 * 1000, 'µs', '< 300 ms');
console.log(JSON.stringify({ spans: SPANS, logs: LOGS, concurrency: CONCURRENCY, results, byId, logsById, red }));

server.kill('SIGTERM');
await new Promise((r) => server.on('exit', r));
rmSync(dataDir, { recursive: true, force: true });
