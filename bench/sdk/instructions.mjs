#!/usr/bin/env node
// npm run bench:sdk:instructions — CPU instructions per request (valgrind callgrind: counts instructions, so the
// figure repeats on a noisy machine where req/s does not). The app (bench/sdk/<framework>-app.cjs, one pino line per
// request) runs under callgrind, uninstrumented and with `--require @sightline/node/register` exporting OTLP
// http/protobuf to a local sink, 100 % sampled; the client runs outside valgrind. After a warm-up the counters are
// zeroed, BENCH_REQUESTS requests are sent, the counters are dumped: instructions / requests; several consecutive
// windows per variant so the spread is visible (the minimum is the figure: GC and JIT work land in some windows).
// V8's compiler runs on background threads, which valgrind serializes onto the app's: the warm-up has two passes (see
// measure()) so that no optimization is left for the windows. Compare builds back to back (BENCH_REGISTER) rather
// than figures of different days.
// Env: BENCH_WINDOWS (default 3), BENCH_FRAMEWORK (fastify|express|both, default fastify), BENCH_REQUESTS (default
// 3000), BENCH_WARMUP (requests of the first warm-up pass, default 5000; the second sends half as many),
// BENCH_CONNECTIONS (concurrent keep-alive connections of the client, default 8),
// BENCH_KEEP (a directory: keep the callgrind dumps there for callgrind_annotate instead of deleting them),
// BENCH_REGISTER (what the sightline variant --requires, default @sightline/node/register; e.g. the dist/register.js
// of an older build to compare), BENCH_ATTRIBUTE=1 (also measure @sightline/node with one part of its work left out
// at a time, and AsyncLocalStorage alone, to show where the overhead goes; see ATTRIBUTION below), BENCH_THREADS=main
// (count the app's main thread only, where the requests, the SDK and, with --single-threaded-gc, the GC run: the
// compiler threads' work, which lands in some windows and not others, is left out, and windows of one run then agree
// within a few per cent; use it to compare builds).
import { execFile, spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appEnv, freePort, startSink } from './bench-app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FRAMEWORKS =
  (process.env.BENCH_FRAMEWORK ?? 'fastify') === 'both'
    ? ['fastify', 'express']
    : [process.env.BENCH_FRAMEWORK ?? 'fastify'];
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 3000);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 5000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 8);
const WINDOWS = Number(process.env.BENCH_WINDOWS ?? 3);
const REGISTER = process.env.BENCH_REGISTER ?? '@sightline/node/register';
const ATTRIBUTE = process.env.BENCH_ATTRIBUTE === '1';
const MAIN_THREAD = process.env.BENCH_THREADS === 'main';

/**
 * The variants of BENCH_ATTRIBUTE=1: what @sightline/node costs without one of its parts is the part's cost. The
 * context floor is AsyncLocalStorage entered per request and nothing else: the async-context hooks every
 * OpenTelemetry context manager on Node 20 runs, whatever else the SDK does.
 */
const ATTRIBUTION = [
  { name: 'span export', what: 'spans made and ended, not exported', env: { OTEL_TRACES_EXPORTER: 'none' } },
  { name: 'log export', what: 'pino records not sent as OTLP', env: { OTEL_LOGS_EXPORTER: 'none' } },
  {
    name: 'pino hooks',
    what: 'pino not instrumented (no ids in lines, no OTLP records)',
    env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' },
  },
  { name: 'recording', what: 'sampled out: no span recorded or exported', env: { OTEL_TRACES_SAMPLER: 'always_off' } },
];
const run = promisify(execFile);

try {
  await run('valgrind', ['--version']);
} catch {
  process.stderr.write(
    'bench:sdk:instructions needs valgrind (callgrind): install it with `apt-get install -y valgrind`\n',
  );
  process.exit(2);
}

const sink = await startSink();
const sinkPort = sink.port;

function get(agent, port, path) {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end();
  });
}

async function send(port, n) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await get(agent, port, `/hello/n${next % 100}`);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  agent.destroy();
}

async function waitListening(port, child) {
  for (let i = 0; i < 1200; i++) {
    if (child.exitCode !== null) throw new Error(`app exited with ${child.exitCode}`);
    try {
      await get(undefined, port, '/hello/start');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error('app did not start under valgrind within 300 s');
}

/** The instructions of window `w`: its dump (with BENCH_THREADS=main, the main thread's dump only). */
function windowTotal(dir, w) {
  // Dumps are numbered in order: cg.out.<n>, or cg.out.<n>-<thread> per thread with --separate-threads.
  const dumps = readdirSync(dir).filter((f) => f.startsWith('cg.out.'));
  const seq = (f) => Number(f.slice('cg.out.'.length).split('-')[0]);
  const last = Math.max(...dumps.map(seq));
  const files = dumps.filter((f) => seq(f) === last && (!MAIN_THREAD || f.endsWith('-01')));
  if (files.length === 0) throw new Error(`no dump for window ${w} in ${dir}`);
  return files.reduce((sum, f) => sum + totalOf(join(dir, f)), 0);
}

function totalOf(file) {
  const m = /^(?:summary|totals):\s+(\d+)/m.exec(readFileSync(file, 'utf8'));
  if (!m) throw new Error(`no totals in ${file}`);
  return Number(m[1]);
}

/** `variant`: its label, what the app --requires (none when uninstrumented) and the environment it gets on top of the
 * benchmark's. */
async function measure(framework, variant) {
  const requires = variant.register ? ['--require', variant.register] : [];
  const dir = mkdtempSync(join(tmpdir(), 'sightline-callgrind-'));
  const port = await freePort();
  const child = spawn(
    'valgrind',
    [
      '--tool=callgrind',
      ...(MAIN_THREAD ? ['--separate-threads=yes'] : []),
      `--callgrind-out-file=${join(dir, 'cg.out')}`,
      process.execPath,
      '--single-threaded-gc',
      ...requires,
      join(here, `${framework}-app.cjs`),
    ],
    {
      cwd: here,
      // Exports only by batch size (every 512 spans / log records), never by timer: a timer fires after a wall-clock
      // delay, i.e. after a number of requests that depends on how fast valgrind runs, which would make the counts
      // vary with the machine's load. The metric export (per interval, not per request) stays out of the window.
      env: appEnv(framework, port, sinkPort, {
        OTEL_BSP_SCHEDULE_DELAY: '3600000',
        OTEL_BLRP_SCHEDULE_DELAY: '3600000',
        OTEL_METRIC_EXPORT_INTERVAL: '3600000',
        ...variant.env,
      }),
      stdio: ['ignore', 'ignore', 'ignore'],
    },
  );
  try {
    await waitListening(port, child);
    // Two warm-up passes, each on its own connections: closing the first pass's connections takes code paths the
    // requests did not (socket close, destroy), and the optimized request code deoptimizes then; the second pass lets
    // it be optimized again before the counters are zeroed. With a single pass, V8's compiler (whose work valgrind
    // counts on the app's thread) ran through the first window: 30-40 % more instructions there than in the next.
    await send(port, WARMUP);
    await send(port, Math.ceil(WARMUP / 2));
    await run('callgrind_control', ['-z', String(child.pid)]);
    const perRequest = [];
    for (let w = 1; w <= WINDOWS; w++) {
      await send(port, REQUESTS);
      await run('callgrind_control', ['-d', `window${w}`, String(child.pid)]);
      perRequest.push(windowTotal(dir, w) / REQUESTS);
    }
    return perRequest;
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
    if (process.env.BENCH_KEEP) {
      mkdirSync(process.env.BENCH_KEEP, { recursive: true });
      for (const f of readdirSync(dir))
        copyFileSync(join(dir, f), join(process.env.BENCH_KEEP, `${framework}-${variant.label}-${f}`));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const framework of FRAMEWORKS) {
  const none = await measure(framework, { label: 'none' });
  const sightline = await measure(framework, { label: 'sightline', register: REGISTER });
  const n = Math.min(...none);
  const s = Math.min(...sightline);
  process.stdout.write(
    `${framework}: none ${none.map(fmt).join(' / ')} instr/req, sightline ${sightline.map(fmt).join(' / ')} instr/req; ` +
      `min: none ${fmt(n)}, sightline ${fmt(s)}, overhead ${fmt(s - n)} instr/req, ratio none/sightline ${(n / s).toFixed(3)}` +
      ` (median windows: ${(median(none) / median(sightline)).toFixed(3)})\n`,
  );
  if (!ATTRIBUTE) continue;
  const floor = Math.min(
    ...(await measure(framework, { label: 'context-floor', register: join(here, 'context-floor.cjs') })),
  );
  process.stdout.write(
    `${framework} attribution (minimum windows; a part's cost = sightline - sightline without it):\n` +
      `  ${'context floor'.padEnd(14)} ${fmt(floor - n).padStart(7)} instr/req  AsyncLocalStorage entered per request, nothing else (${fmt(floor)})\n`,
  );
  for (const part of ATTRIBUTION) {
    const without = Math.min(
      ...(await measure(framework, { label: part.name.replace(' ', '-'), register: REGISTER, env: part.env })),
    );
    process.stdout.write(
      `  ${part.name.padEnd(14)} ${fmt(s - without).padStart(7)} instr/req  without it: ${part.what} (${fmt(without)})\n`,
    );
  }
}
sink.close();
