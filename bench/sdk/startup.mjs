#!/usr/bin/env node
// npm run bench:sdk:startup — process start to first served response, by the way the SDK is started: the Fastify
// hello-world as CommonJS (bench/sdk/fastify-app.cjs: uninstrumented, --require, --import) and as an ES module
// (fastify-app.mjs: uninstrumented, --import). In this repository the packages of most official instrumentations
// resolve from the app (pg, ioredis, amqplib, mysql2, redis, koa, graphql, @nestjs/core, … hoisted) without being
// loaded by it; the `--import, own only` row is the same app with only our own instrumentations enabled, i.e. an app
// that has none of those packages installed. When the NestJS 12 test app is installed (packages/node/test/fixtures/
// nestjs-12, by `npm test` or `node scripts/install-test-apps.mjs`), its hello-world (hello.mjs) runs too: @nestjs/core
// 12 is ES module code, which the register entry points load and patch ahead of the app (esm-preload.ts), and for
// which --require registers the ES module loader hook (esm-hook.ts) where Node cannot require() ES modules (the
// `loader hook` row: --no-experimental-require-module); the `no nestjs-core` row is the start without that
// instrumentation. Rounds interleave the variants; medians; the OTLP endpoint is a local sink.
// Each round also times the SDK's own start alone: require() of dist/register.js in a fresh process, measured inside
// it (loading the SDK and init(), nothing of the app), for this build and the compared one.
// Env: BENCH_STARTS (rounds, default 11), BENCH_COMPARE (the package directory of another build of @sightline/node,
// e.g. a git worktree of an older commit, built: each instrumented variant is also run with it, in the same rounds).
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { appEnv, firstResponse, freePort, startSink } from './bench-app.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.env.BENCH_STARTS ?? 11);
const REGISTER = '@sightline/node/register';
const OWN_ONLY = { OTEL_NODE_ENABLED_INSTRUMENTATIONS: 'http,undici,express,fastify,pino,runtime-node' };

const COMPARE = process.env.BENCH_COMPARE;
const NEST_DIR = join(here, '..', '..', 'packages', 'node', 'test', 'fixtures', 'nestjs-12');
const NEST_APP = join(NEST_DIR, 'hello.mjs');
const NEST_INSTALLED = existsSync(join(NEST_DIR, 'node_modules', '@nestjs', 'core'));

const BASE_VARIANTS = [
  { app: 'fastify-app.cjs', label: 'CommonJS, uninstrumented', flags: [] },
  { app: 'fastify-app.cjs', label: 'CommonJS, --require', flags: ['--require', REGISTER] },
  { app: 'fastify-app.cjs', label: 'CommonJS, --import', flags: ['--import', REGISTER] },
  { app: 'fastify-app.mjs', label: 'ES module, uninstrumented', flags: [] },
  { app: 'fastify-app.mjs', label: 'ES module, --import', flags: ['--import', REGISTER] },
  { app: 'fastify-app.mjs', label: 'ES module, --import, own only', flags: ['--import', REGISTER], env: OWN_ONLY },
  ...(NEST_INSTALLED
    ? [
        { app: NEST_APP, label: 'NestJS 12, uninstrumented', flags: [] },
        { app: NEST_APP, label: 'NestJS 12, --import', flags: ['--import', REGISTER] },
        { app: NEST_APP, label: 'NestJS 12, --require', flags: ['--require', REGISTER] },
        {
          app: NEST_APP,
          label: 'NestJS 12, --require, loader hook',
          flags: ['--no-experimental-require-module', '--require', REGISTER],
        },
        {
          app: NEST_APP,
          label: 'NestJS 12, --import, no nestjs-core',
          flags: ['--import', REGISTER],
          env: { OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'nestjs-core' },
        },
      ]
    : []),
];
/** The same start with the other build's register entry point (dist/register.js or dist/register-esm.mjs). */
function withCompared(variant) {
  const flags = variant.flags.map((f, i) =>
    f === REGISTER
      ? join(COMPARE, 'dist', variant.flags[i - 1] === '--require' ? 'register.js' : 'register-esm.mjs')
      : f,
  );
  return { ...variant, label: `${variant.label} (compared)`, flags };
}
const VARIANTS = COMPARE
  ? BASE_VARIANTS.flatMap((v) => (v.flags.length === 0 ? [v] : [v, withCompared(v)]))
  : BASE_VARIANTS;

const sink = await startSink();

async function startToFirstResponse(variant) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(
    process.execPath,
    [...variant.flags, isAbsolute(variant.app) ? variant.app : join(here, variant.app)],
    {
      cwd: here,
      env: appEnv('fastify', port, sink.port, variant.env),
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  try {
    await firstResponse(port, child).catch((err) => {
      throw new Error(`${variant.label}: ${err.message}`);
    });
    return performance.now() - t0;
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', r)));
  }
}

const OWN_PACKAGE = join(here, '..', '..', 'packages', 'node');
const BUILDS = COMPARE ? [OWN_PACKAGE, COMPARE] : [OWN_PACKAGE];
const run = promisify(execFile);

/** Milliseconds that require() of a build's dist/register.js takes in a fresh process, timed inside it. */
async function registerAlone(packageDir) {
  const register = JSON.stringify(join(packageDir, 'dist', 'register.js'));
  const code = `const t = performance.now(); require(${register}); process.stdout.write(String(performance.now() - t)); process.exit(0);`;
  const { stdout } = await run(process.execPath, ['-e', code], {
    cwd: here,
    env: appEnv('fastify', 0, sink.port),
  });
  return Number(stdout);
}

const times = VARIANTS.map(() => []);
const registerTimes = BUILDS.map(() => []);
for (let round = 0; round < ROUNDS; round++) {
  for (const [i, variant] of VARIANTS.entries()) times[i].push(await startToFirstResponse(variant));
  for (const [i, dir] of BUILDS.entries()) registerTimes[i].push(await registerAlone(dir));
}
sink.close();

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const lines = [`start-up to first response, Node ${process.version}, ${ROUNDS} interleaved rounds, medians (ms)`];
if (COMPARE) lines.push(`(compared) = the build in ${COMPARE}`);
if (!NEST_INSTALLED)
  lines.push(`NestJS 12 rows skipped: the test app is not installed (run \`node scripts/install-test-apps.mjs\`)`);
let base = 0;
for (const [i, variant] of VARIANTS.entries()) {
  const m = median(times[i]);
  if (variant.flags.length === 0) base = m;
  const delta = variant.flags.length === 0 ? '' : `  +${(m - base).toFixed(0)}`;
  lines.push(`${variant.label.padEnd(42)} ${m.toFixed(0).padStart(5)}${delta}`);
}
lines.push(
  `the SDK's start alone (require of dist/register.js, timed in a fresh process): ${BUILDS.map(
    (dir, i) => `${dir === OWN_PACKAGE ? 'this build' : 'compared'} ${median(registerTimes[i]).toFixed(1)} ms`,
  ).join(', ')}`,
);
process.stdout.write(`${lines.join('\n')}\n`);
