#!/usr/bin/env node
// npm run bench:sdk — uninstrumented vs @sightline/node vs the official sdk-node + auto-instrumentations, on Express 5
// and Fastify 5 hello-world apps (one pino line per request), 100 % sampled, traces + metrics + logs exported as OTLP
// http/protobuf to a local sink. autocannon runs in its own process; several rounds; medians; ratios vs uninstrumented;
// also the app's CPU time (user + system, from /proc) per request in the throughput rounds.
// Env: BENCH_THROUGHPUT_ROUNDS (default 8) and BENCH_THROUGHPUT_DURATION (s, default 4): the saturated windows, on apps
// kept running; BENCH_ROUNDS (default 3) and BENCH_DURATION (s, default 10): the fixed-rate rounds, each on a fresh app;
// BENCH_CONNECTIONS (default 50), BENCH_STARTS (default 5),
// BENCH_RATE (fixed request rate of the latency phase, as a fraction of uninstrumented req/s, default 0.25; 0 skips it)
// capped at BENCH_RATE_MAX req/s (default 5000: one Node load generator stalls itself beyond that on this box),
// BENCH_SOAK (s of continuous load on @sightline/node with RSS sampled every 5 s and the live heap after a full GC
// every 10 s (bench/sdk/heap-probe.cjs), default 60; 0 skips it),
// BENCH_FRAMEWORKS (comma-separated subset of express,fastify; default both), BENCH_MICRO=0 skips the log micro-benchmark,
// BENCH_FLOOR=1 adds the variant `ctx-floor`: the app with an AsyncLocalStorage entered per request and nothing else
// (bench/sdk/context-floor.cjs), the async-context cost any OpenTelemetry SDK pays on Node 20;
// BENCH_ATTRIBUTE=1 adds ctx-floor and @sightline/node with one part of its work switched off at a time (see
// ATTRIBUTION), to show in req/s where the overhead goes; BENCH_VARIANTS (comma-separated: which of the variants to
// run besides `none`, e.g. sightline,no-export); BENCH_COMPARE (the register.js of another build, e.g. a copy of an
// older packages/node/dist inside the repository so that it resolves the same packages: run as the variant `compare`).
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appEnv, firstResponse, freePort, load, startSink } from './bench-app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const THROUGHPUT_ROUNDS = Number(process.env.BENCH_THROUGHPUT_ROUNDS ?? 8);
const THROUGHPUT_DURATION = Number(process.env.BENCH_THROUGHPUT_DURATION ?? 4);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const STARTS = Number(process.env.BENCH_STARTS ?? 5);
const SOAK = Number(process.env.BENCH_SOAK ?? 60);
const RATE = Number(process.env.BENCH_RATE ?? 0.25);
const RATE_MAX = Number(process.env.BENCH_RATE_MAX ?? 5000);
const FRAMEWORKS = (process.env.BENCH_FRAMEWORKS ?? 'express,fastify').split(',').map((f) => f.trim());
const MICRO = process.env.BENCH_MICRO !== '0';
for (const f of FRAMEWORKS) {
  if (f !== 'express' && f !== 'fastify') {
    process.stderr.write(`BENCH_FRAMEWORKS: unknown framework "${f}" (accepted: express, fastify)\n`);
    process.exit(2);
  }
}
const RSS_DELAY_MS = 1500;
const run = promisify(execFile);

// OTLP sink: accepts every export (counts bytes) so exporters do their full work.
const sink = await startSink();
const sinkPort = sink.port;

/** Each variant: what the app --requires, and the environment it gets on top of the benchmark's. */
const SIGHTLINE = ['--require', '@sightline/node/register'];
const VARIANTS = {
  none: { args: [] },
  sightline: { args: SIGHTLINE },
  official: { args: ['--require', join(here, 'official-register.cjs')] },
};
// BENCH_COMPARE=<path of another build's register.js>: that build as the variant `compare`, in the same windows.
if (process.env.BENCH_COMPARE) VARIANTS.compare = { args: ['--require', process.env.BENCH_COMPARE] };
const ATTRIBUTE = process.env.BENCH_ATTRIBUTE === '1';
if (process.env.BENCH_FLOOR === '1' || ATTRIBUTE)
  VARIANTS['ctx-floor'] = { args: ['--require', join(here, 'context-floor.cjs')] };
/** BENCH_ATTRIBUTE=1: @sightline/node without one part; the part's cost is what the variant gains over `sightline`. */
const ATTRIBUTION = {
  'no-span-exp': { OTEL_TRACES_EXPORTER: 'none' }, // spans made and ended, not encoded or exported
  'no-log-exp': { OTEL_LOGS_EXPORTER: 'none' }, // pino lines carry the ids; no OTLP log records
  'no-pino': { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'pino' }, // pino not instrumented at all
  'no-metrics': { OTEL_METRICS_EXPORTER: 'none' }, // no http.server.request.duration, no runtime metrics
  'sampled-out': { OTEL_TRACES_SAMPLER: 'always_off' }, // context and ids only: no span recorded
  'no-export': { OTEL_TRACES_EXPORTER: 'none', OTEL_LOGS_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'none' },
};
if (ATTRIBUTE) for (const [name, env] of Object.entries(ATTRIBUTION)) VARIANTS[name] = { args: SIGHTLINE, env };
if (process.env.BENCH_VARIANTS) {
  const keep = new Set(['none', ...process.env.BENCH_VARIANTS.split(',').map((v) => v.trim())]);
  for (const v of keep) {
    if (!(v in VARIANTS)) {
      process.stderr.write(`BENCH_VARIANTS: unknown variant "${v}" (accepted: ${Object.keys(VARIANTS).join(', ')})\n`);
      process.exit(2);
    }
  }
  for (const v of Object.keys(VARIANTS)) if (!keep.has(v)) delete VARIANTS[v];
}

/** `variant`: one of VARIANTS' values. */
async function startApp(framework, variant, { probeHeap = false } = {}) {
  const port = await freePort();
  const t0 = performance.now();
  const probe = probeHeap ? ['--expose-gc', '--require', join(here, 'heap-probe.cjs')] : [];
  const { args, env } = variant;
  const child = spawn(process.execPath, [...probe, ...args, join(here, `${framework}-app.cjs`)], {
    cwd: here,
    env: appEnv(framework, port, sinkPort, { OTEL_METRIC_EXPORT_INTERVAL: '10000', ...env }),
    stdio: ['ignore', 'ignore', probeHeap ? 'pipe' : 'inherit'],
  });
  const heap = [];
  if (probeHeap) {
    let buffered = '';
    child.stderr.on('data', (chunk) => {
      buffered += chunk;
      let nl = buffered.indexOf('\n');
      while (nl !== -1) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.startsWith('{"heapAfterGc"')) heap.push(JSON.parse(line).heapAfterGc);
        else process.stderr.write(`${line}\n`);
        nl = buffered.indexOf('\n');
      }
    });
  }
  return { child, port, t0, heap };
}

/** ms from the app's spawn to its first served response. */
async function startToFirstResponse(app) {
  await firstResponse(app.port, app.child);
  return performance.now() - app.t0;
}

function rssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) / 1024;
}

/** User and system CPU seconds of a process so far (/proc/<pid>/stat, fields 14 and 15, in USER_HZ = 100 ticks). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
}

async function stop(app) {
  app.child.kill('SIGTERM');
  await new Promise((r) => {
    const t = setTimeout(() => {
      app.child.kill('SIGKILL');
      r();
    }, 6000);
    app.child.once('exit', () => {
      clearTimeout(t);
      r();
    });
  });
}

const autocannon = (port, seconds) => load(port, seconds, CONNECTIONS);

/** The variants in the order of one round: as declared in even rounds, reversed in odd ones. */
function roundOrder(round) {
  const order = Object.keys(VARIANTS);
  return round % 2 === 0 ? order : order.reverse();
}

/** Each round's value of a variant over the uninstrumented app's in the same round. */
const perRound = (values, base) => values.map((x, i) => x / base[i]);

async function openLoop(port, seconds, rate) {
  const args = [join(here, 'open-loop.mjs'), `http://127.0.0.1:${port}/hello/world`, String(seconds), String(rate)];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout);
}

/** RSS of @sightline/node under SOAK s of load, sampled every 5 s: flat means no growth after the first 10 s. */
async function soak(framework) {
  const app = await startApp(framework, { args: SIGHTLINE }, { probeHeap: true });
  await firstResponse(app.port, app.child);
  const samples = [];
  const load = autocannon(app.port, SOAK);
  const t0 = performance.now();
  const timer = setInterval(
    () => samples.push({ s: (performance.now() - t0) / 1000, rss: rssMiB(app.child.pid) }),
    5000,
  );
  await load;
  clearInterval(timer);
  await stop(app);
  const settled = samples.filter((x) => x.s >= 10);
  // RSS saw-tooths with GC by several MiB; flat means the median of the second half is not above the first's.
  const firstHalf = settled.filter((x) => x.s < SOAK / 2).map((x) => x.rss);
  const secondHalf = settled.filter((x) => x.s >= SOAK / 2).map((x) => x.rss);
  return {
    samples,
    first: settled[0]?.rss ?? Number.NaN,
    last: settled.at(-1)?.rss ?? Number.NaN,
    firstHalf: firstHalf.length ? median(firstHalf) : Number.NaN,
    secondHalf: secondHalf.length ? median(secondHalf) : Number.NaN,
    max: Math.max(...settled.map((x) => x.rss)),
    heap: app.heap,
  };
}

const signed = (x) => (x >= 0 ? '+' : '') + x.toFixed(1);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const results = {};
for (const framework of FRAMEWORKS) {
  results[framework] = {};
  for (const v of Object.keys(VARIANTS))
    results[framework][v] = { rps: [], p99: [], startup: [], rss: [], rssAfterLoad: [], cpuUser: [], cpuSystem: [] };
  // start-up and RSS
  for (let i = 0; i < STARTS; i++) {
    for (const v of Object.keys(VARIANTS)) {
      const app = await startApp(framework, VARIANTS[v]);
      results[framework][v].startup.push(await startToFirstResponse(app));
      // 1.5 s: after what @sightline/node loads later on purpose (the metrics SDK, 1 s after init) is in memory too.
      await new Promise((r) => setTimeout(r, RSS_DELAY_MS));
      results[framework][v].rss.push(rssMiB(app.child.pid));
      await stop(app);
    }
  }
  // Throughput: each variant's app started once and warmed up, then THROUGHPUT_ROUNDS short windows of load on each in
  // turn, every other round in reverse order. On this shared box the speed swings by half within a minute; windows
  // seconds apart see nearly the same box, and each round's ratio is against the uninstrumented window of that round.
  const apps = {};
  for (const v of Object.keys(VARIANTS)) {
    apps[v] = await startApp(framework, VARIANTS[v]);
    await firstResponse(apps[v].port, apps[v].child);
  }
  for (const v of Object.keys(VARIANTS)) await autocannon(apps[v].port, 2); // warm-up
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    for (const v of roundOrder(round)) {
      const app = apps[v];
      const cpu0 = cpuSeconds(app.child.pid);
      const r = await autocannon(app.port, THROUGHPUT_DURATION);
      const cpu1 = cpuSeconds(app.child.pid);
      const requests = r.total;
      results[framework][v].cpuUser.push(((cpu1.user - cpu0.user) * 1e6) / requests);
      results[framework][v].cpuSystem.push(((cpu1.system - cpu0.system) * 1e6) / requests);
      results[framework][v].rps.push(r.rps);
      results[framework][v].p99.push(r.p99);
      if (r.errors) process.stderr.write(`warning: ${framework}/${v} had ${r.errors} errors\n`);
      process.stderr.write(`${framework} ${v} round ${round + 1}: ${r.rps.toFixed(0)} req/s p99 ${r.p99} ms\n`);
    }
  }
  for (const v of Object.keys(VARIANTS)) {
    results[framework][v].rssAfterLoad.push(rssMiB(apps[v].child.pid));
    await stop(apps[v]);
  }
  // Saturated, every variant's latency is just connections / throughput (Little's law); at a fixed rate that all can
  // serve, the latency added per request shows.
  if (RATE > 0) {
    const rate = Math.min(RATE_MAX, RATE * median(results[framework].none.rps));
    results[framework].fixedRate = { rate };
    const runs = Object.fromEntries(Object.keys(VARIANTS).map((v) => [v, []]));
    // Rounds interleaved like the throughput ones: one stall of the shared machine must not decide a p99.
    for (let round = 0; round < ROUNDS; round++) {
      for (const v of roundOrder(round)) {
        const app = await startApp(framework, VARIANTS[v]);
        await firstResponse(app.port, app.child);
        await openLoop(app.port, 2, rate);
        runs[v].push(await openLoop(app.port, DURATION, rate));
        await stop(app);
      }
    }
    for (const v of Object.keys(VARIANTS)) {
      results[framework].fixedRate[v] = {
        rps: median(runs[v].map((r) => r.rps)),
        p50: median(runs[v].map((r) => r.p50)),
        p99: median(runs[v].map((r) => r.p99)),
        p99s: runs[v].map((r) => r.p99),
        p99x: median(
          perRound(
            runs[v].map((r) => r.p99),
            runs.none.map((r) => r.p99),
          ),
        ),
      };
    }
  }
  if (SOAK > 0) {
    results[framework].soak = await soak(framework);
    process.stderr.write(
      `${framework} soak: RSS ${results[framework].soak.samples.map((x) => x.rss.toFixed(0)).join(' ')} MiB; heap after full GC ${results[framework].soak.heap.map((x) => x.toFixed(1)).join(' ')} MiB\n`,
    );
  }
}

const micro = MICRO
  ? JSON.parse((await run(process.execPath, [join(here, 'log-correlation.cjs')], { cwd: here })).stdout)
  : undefined;
sink.close();

const out = [];
out.push(
  `@sightline/node benchmark — Node ${process.version}, saturated: ${THROUGHPUT_ROUNDS} rounds of ${THROUGHPUT_DURATION} s on each app, ${CONNECTIONS} connections, medians`,
);
for (const framework of Object.keys(results)) {
  const base = results[framework].none;
  const b = { startup: median(base.startup), rss: median(base.rss) };
  out.push(`\n${framework} 5`);
  // ratio and p99 x: medians of the rounds' own ratios (each round against its own uninstrumented run); req/s and
  // p99 ms: medians of the variant's rounds.
  out.push(
    'variant       req/s    ratio   p99 ms  p99 x   start ms  +start  RSS MiB  +RSS   RSS after load  ratio, p99 x by round',
  );
  const { soak: _soak, fixedRate: _fixedRate, ...variants } = results[framework];
  for (const [v, r] of Object.entries(variants)) {
    const rps = median(r.rps);
    const p99 = median(r.p99);
    const st = median(r.startup);
    const rss = median(r.rss);
    const ratios = perRound(r.rps, base.rps);
    const p99Ratios = perRound(r.p99, base.p99);
    const byRound = ratios.map((x, i) => `${x.toFixed(2)}/${p99Ratios[i].toFixed(2)}`).join(' ');
    out.push(
      `${v.padEnd(12)} ${rps.toFixed(0).padStart(6)}  ${median(ratios).toFixed(2).padStart(6)}x  ${p99.toFixed(1).padStart(6)}  ${median(p99Ratios).toFixed(2).padStart(4)}x  ${st.toFixed(0).padStart(7)}  ${(st - b.startup).toFixed(0).padStart(6)}  ${rss.toFixed(1).padStart(7)}  ${(rss - b.rss).toFixed(1).padStart(5)}  ${median(r.rssAfterLoad).toFixed(1).padStart(6)}          ${byRound}`,
    );
  }
  // The app's own CPU per request while saturated. System time is mostly the request's socket read and response write
  // (one each in every variant) and the export traffic; the write costs more when it has to wake the load generator,
  // which waits more often the slower the app is (two cores shared by the app, the load generator and the sink).
  out.push('CPU of the app per request in the throughput rounds (µs, medians): total = user + system');
  for (const [v, r] of Object.entries(variants)) {
    const user = median(r.cpuUser);
    const system = median(r.cpuSystem);
    out.push(
      `${v.padEnd(12)} ${(user + system).toFixed(1).padStart(7)} = ${user.toFixed(1).padStart(6)} + ${system.toFixed(1).padStart(6)}`,
    );
  }
}
for (const framework of Object.keys(results)) {
  const f = results[framework].fixedRate;
  if (!f) continue;
  out.push(
    `\n${framework} 5 at a fixed ${f.rate.toFixed(0)} req/s (open loop), ${ROUNDS} rounds, medians (p99 x: of each round's ratio), latency in ms`,
  );
  out.push('variant       achieved req/s   p50 ms  p99 ms  p99 x   p99 of each round');
  for (const v of Object.keys(VARIANTS)) {
    const r = f[v];
    out.push(
      `${v.padEnd(12)} ${r.rps.toFixed(0).padStart(14)}  ${r.p50.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(6)}  ${r.p99x.toFixed(2).padStart(4)}x   ${r.p99s.map((x) => x.toFixed(2)).join(' ')}`,
    );
  }
}
out.push('');
for (const framework of Object.keys(results)) {
  const s = results[framework].soak;
  if (s)
    out.push(
      `${framework} 5, @sightline/node under ${SOAK} s of load: RSS ${s.first.toFixed(1)} MiB at 10 s, ${s.last.toFixed(1)} MiB at the end, max ${s.max.toFixed(1)} MiB; median ${s.firstHalf.toFixed(1)} MiB from 10 s to ${SOAK / 2} s, ${s.secondHalf.toFixed(1)} MiB after (${signed(s.secondHalf - s.firstHalf)} MiB); live heap after a full GC every 10 s: ${s.heap.map((x) => x.toFixed(1)).join(', ')} MiB`,
    );
}
if (micro)
  out.push(
    `\nlog call inside an active span (ns/call, median of 21 interleaved rounds): plain pino ${micro.plain.toFixed(0)}, + correlation ${micro.correlated.toFixed(0)} (cost ${(micro.correlated - micro.plain).toFixed(0)} ns), + correlation and the OTLP record made (its encoding is in bench:sdk:encode) ${micro.full.toFixed(0)} (cost ${(micro.full - micro.plain).toFixed(0)} ns)`,
  );
out.push(`OTLP bytes received by the sink: ${(sink.bytes() / 1048576).toFixed(1)} MiB`);
process.stdout.write(`${out.join('\n')}\n`);
