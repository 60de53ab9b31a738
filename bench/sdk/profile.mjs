#!/usr/bin/env node
// npm run bench:sdk:profile — where the CPU time of a request goes, by function: the app (bench/sdk/<framework>-app.cjs)
// under load from autocannon (50 connections, its own process) is sampled by `perf record -e cpu-clock` (CPU time of
// every thread of the app, kernel included), with V8's `--perf-basic-prof` map naming JIT code. Each sample is charged
// to the first JavaScript function on its stack (the function itself or the Node, V8 or kernel code it called);
// samples without one (GC, V8's background threads, the event loop's own polling) are charged to "(no JS frame)".
// Samples in the kernel are kept apart ("kernel under <function>"): which JavaScript function makes a system call
// depends on what V8 inlined, so they would otherwise move between functions from one build to the next.
// Per variant: µs of CPU per request, by owner group (@sightline/node, Node's own JS, pino, Fastify/Express, the
// app, the kernel, none),
// then the functions whose cost grew most from the variant before (these move with V8's inlining: a function inlined
// in one variant and not the other hands its cost to its caller; the groups are the steadier reading), and the
// functions of @sightline/node by cost. Variants: uninstrumented, the context floor
// (bench/sdk/context-floor.cjs) and @sightline/node, exporting OTLP http/protobuf to a local sink as in bench:sdk.
// Needs perf (Debian: apt-get install -y linux-perf) and kernel sampling allowed (perf_event_paranoid ≤ 1, or root).
// Env: BENCH_FRAMEWORK (fastify|express, default fastify), BENCH_DURATION (s sampled, default 8, after 5 s of warm-up),
// BENCH_TOP (functions listed per comparison, default 25), BENCH_REGISTER (what the sightline variant --requires).
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appEnv, firstResponse, freePort, load, startSink } from './bench-app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const FRAMEWORK = process.env.BENCH_FRAMEWORK ?? 'fastify';
const DURATION = Number(process.env.BENCH_DURATION ?? 8);
const TOP = Number(process.env.BENCH_TOP ?? 25);
const REGISTER = process.env.BENCH_REGISTER ?? '@sightline/node/register';
const FREQUENCY = 4000; // samples per second of CPU time: one sample = 250 µs
if (FRAMEWORK !== 'fastify' && FRAMEWORK !== 'express') {
  process.stderr.write(`BENCH_FRAMEWORK: unknown framework "${FRAMEWORK}" (accepted: fastify, express)\n`);
  process.exit(2);
}
const run = promisify(execFile);
try {
  await run('perf', ['--version']);
} catch {
  process.stderr.write('bench:sdk:profile needs perf: install it with `apt-get install -y linux-perf`\n');
  process.exit(2);
}

const VARIANTS = [
  { label: 'uninstrumented', args: [] },
  { label: 'context floor', args: ['--require', join(here, 'context-floor.cjs')] },
  { label: '@sightline/node', args: ['--require', REGISTER] },
];

const sink = await startSink();

/** The owner of one sample: its first JavaScript frame, as "function file:line" ('*' and '~' tiers dropped). */
function ownerOf(frames) {
  for (const frame of frames) {
    if (frame.startsWith('JS:')) return frame.replace(/^JS:[*~^]?/, '').replace(/ \/.*\//, ' ');
  }
  return '(no JS frame)';
}

function groupOf(owner, file, kernel) {
  if (kernel) return 'kernel (system calls, wakeups, interrupts)';
  if (owner === '(no JS frame)') return owner;
  if (file.includes('/bench/sdk/')) return 'the app';
  if (file.includes('/packages/node/dist/') || file.includes('/@sightline/node/')) return '@sightline/node';
  if (/\/(pino|sonic-boom|thread-stream)\//.test(file)) return 'pino';
  if (/\/(fastify|find-my-way|avvio|express|router|body-parser)\//.test(file)) return 'Fastify/Express';
  if (file.startsWith('node:') || file === '') return "Node's own JS";
  return 'other packages';
}

/** perf script output → µs of CPU per request, by owner and by group. */
function attribute(script, requests) {
  const owners = new Map();
  const groups = new Map();
  const ownerGroups = new Map();
  const add = (map, key, v) => map.set(key, (map.get(key) ?? 0) + v);
  const perSample = 1e6 / FREQUENCY / requests;
  let frames = [];
  const flush = () => {
    if (frames.length === 0) return;
    const kernel = frames[0]?.endsWith('([kernel.kallsyms])') ?? false;
    const names = frames.map((f) => f.replace(/ \([^()]*\)$/, ''));
    const first = names.find((f) => f.startsWith('JS:'));
    const owner = kernel ? `kernel under ${ownerOf(names)}` : ownerOf(names);
    const file = first ? (/ (\S+):\d+:\d+$/.exec(first)?.[1] ?? '') : '';
    add(owners, owner, perSample);
    const group = groupOf(owner, file, kernel);
    add(groups, group, perSample);
    ownerGroups.set(owner, group);
    frames = [];
  };
  for (const line of script.split('\n')) {
    if (line.startsWith('\t')) {
      const m = /^\t\s*[0-9a-f]+ (.*)$/.exec(line);
      if (m) frames.push(m[1]);
    } else flush();
  }
  flush();
  return { owners, groups, ownerGroups, total: [...groups.values()].reduce((a, b) => a + b, 0) };
}

async function profile(variant) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sightline-profile-'));
  const app = spawn(
    process.execPath,
    ['--perf-basic-prof', '--logfile=/dev/null', ...variant.args, join(here, `${FRAMEWORK}-app.cjs`)],
    { cwd: here, env: appEnv(FRAMEWORK, port, sink.port), stdio: ['ignore', 'ignore', 'inherit'] },
  );
  try {
    await firstResponse(port, app);
    await load(port, 5, 50); // warm-up: the request code optimized before sampling
    const data = join(dir, 'perf.data');
    const perf = spawn(
      'perf',
      [
        'record',
        '-e',
        'cpu-clock',
        '-F',
        String(FREQUENCY),
        '-g',
        '-p',
        String(app.pid),
        '-o',
        data,
        '--',
        'sleep',
        String(DURATION),
      ],
      { stdio: 'ignore' },
    );
    const perfDone = new Promise((r) => perf.once('exit', r));
    const result = await load(port, DURATION, 50);
    await perfDone;
    const { stdout } = await run('perf', ['script', '-i', data, '-F', 'ip,sym,dso'], {
      maxBuffer: 2 * 1024 * 1024 * 1024,
    });
    return { ...attribute(stdout, result.total), rps: result.rps };
  } finally {
    app.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    rmSync(`/tmp/perf-${app.pid}.map`, { force: true }); // written by --perf-basic-prof
  }
}

const fmt = (v) => v.toFixed(2).padStart(7);
const results = [];
for (const variant of VARIANTS) {
  const r = await profile(variant);
  results.push({ ...variant, ...r });
  process.stdout.write(
    `${FRAMEWORK} ${variant.label}: ${Math.round(r.rps)} req/s, ${r.total.toFixed(1)} µs of CPU per request\n`,
  );
}
for (let i = 1; i < results.length; i++) {
  const before = results[i - 1];
  const after = results[i];
  process.stdout.write(
    `\n${after.label} against ${before.label} (µs of CPU per request; + is what ${after.label} adds):\n`,
  );
  const groups = new Set([...before.groups.keys(), ...after.groups.keys()]);
  for (const g of [...groups].sort((a, b) => (after.groups.get(b) ?? 0) - (after.groups.get(a) ?? 0))) {
    const a = before.groups.get(g) ?? 0;
    const b = after.groups.get(g) ?? 0;
    process.stdout.write(`  ${fmt(b - a)}  ${fmt(a)} → ${fmt(b)}  ${g}\n`);
  }
  const owners = new Set([...before.owners.keys(), ...after.owners.keys()]);
  const grown = [...owners]
    .map((o) => [o, (after.owners.get(o) ?? 0) - (before.owners.get(o) ?? 0)])
    .sort((x, y) => y[1] - x[1])
    .slice(0, TOP);
  process.stdout.write('  functions that grew most (each with the Node, V8 and kernel code it called):\n');
  for (const [o, d] of grown) process.stdout.write(`  ${fmt(d)}  ${o}\n`);
}
const last = results.at(-1);
const ours = [...last.owners]
  .filter(([o]) => last.ownerGroups.get(o) === '@sightline/node')
  .sort((x, y) => y[1] - x[1]);
process.stdout.write(`\n@sightline/node's own functions (µs of CPU per request, with the code they called):\n`);
for (const [o, v] of ours.slice(0, TOP)) process.stdout.write(`  ${fmt(v)}  ${o}\n`);
sink.close();
