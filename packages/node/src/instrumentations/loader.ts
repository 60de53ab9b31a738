// Which instrumentations run: ours for http, express, fastify and pino (lean, on diagnostics channels and hooks),
// the official ones for the rest — each loaded just before its target package first loads, required or imported.
// Target packages that run CommonJS code even when an ES module imports them (all but @nestjs/core 12; graphql 16
// has no "exports" map, so Node loads its CommonJS build) need no ESM loader hook: the instrumentations patch
// prototypes or the package's exports object before the import reads them. A target that is ES module code is
// patched ahead of the app or gets the hook (esm-hook.ts, esm-preload.ts), and its instrumentation loads at start.
// GraphQL 17 is traced from the tracing channels it publishes (graphql-channels.ts).
import type { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { Context, Span } from '@opentelemetry/api';
import { trace } from '@opentelemetry/api';
import type { ResolvedConfig } from '../config.js';
import { SightlineConfigError, warn } from '../diagnostics.js';
import { type EsModulePackage, esModulePackages } from '../esm-hook.js';
import { redactSql } from '../redaction.js';
import { setExpressEnabled } from './express.js';
import { installFastify } from './fastify.js';
import { installFetchClient } from './fetch-client.js';
import { installGraphqlChannels } from './graphql-channels.js';
import { installHttpClient } from './http-client.js';
import { installHttpServer } from './http-server.js';
import type { HttpServerDurationMetric } from './http-server-duration.js';
import { installPinoHook } from './pino-hook.js';
import { beforeFirstLoad } from './require-hook.js';

interface OfficialSpec {
  name: string;
  targets: string[];
  module: string;
  cls: string;
  config?: Record<string, unknown>;
}

function sanitizeStatementHook(span: Span): void {
  const attrs = (span as unknown as { attributes?: Record<string, unknown> }).attributes;
  if (!attrs) return;
  for (const key of ['db.statement', 'db.query.text']) {
    const v = attrs[key];
    if (typeof v === 'string') span.setAttribute(key, redactSql(v));
  }
}

export const OFFICIAL: OfficialSpec[] = [
  { name: 'koa', targets: ['koa'], module: '@opentelemetry/instrumentation-koa', cls: 'KoaInstrumentation' },
  {
    name: 'nestjs-core',
    targets: ['@nestjs/core'],
    module: '@opentelemetry/instrumentation-nestjs-core',
    cls: 'NestInstrumentation',
  },
  {
    name: 'pg',
    targets: ['pg', 'pg-pool'],
    module: '@opentelemetry/instrumentation-pg',
    cls: 'PgInstrumentation',
    config: { requestHook: sanitizeStatementHook, enhancedDatabaseReporting: false },
  },
  {
    name: 'mysql2',
    targets: ['mysql2'],
    module: '@opentelemetry/instrumentation-mysql2',
    cls: 'MySQL2Instrumentation',
    config: { maskStatement: true, maskStatementHook: redactSql },
  },
  {
    name: 'ioredis',
    targets: ['ioredis'],
    module: '@opentelemetry/instrumentation-ioredis',
    cls: 'IORedisInstrumentation',
  },
  {
    name: 'redis',
    targets: ['redis', '@redis/client'],
    module: '@opentelemetry/instrumentation-redis',
    cls: 'RedisInstrumentation',
  },
  {
    name: 'mongodb',
    targets: ['mongodb'],
    module: '@opentelemetry/instrumentation-mongodb',
    cls: 'MongoDBInstrumentation',
  },
  {
    name: 'amqplib',
    targets: ['amqplib'],
    module: '@opentelemetry/instrumentation-amqplib',
    cls: 'AmqplibInstrumentation',
  },
  {
    name: 'kafkajs',
    targets: ['kafkajs'],
    module: '@opentelemetry/instrumentation-kafkajs',
    cls: 'KafkaJsInstrumentation',
  },
  {
    name: 'graphql',
    targets: ['graphql'],
    module: '@opentelemetry/instrumentation-graphql',
    cls: 'GraphQLInstrumentation',
    // No span for a property the default resolver reads (one per list item and field, saying nothing); GraphQL 17's
    // channels drop the same (graphql-channels.ts).
    config: { ignoreTrivialResolveSpans: true },
  },
  {
    name: 'grpc',
    targets: ['@grpc/grpc-js'],
    module: '@opentelemetry/instrumentation-grpc',
    cls: 'GrpcInstrumentation',
  },
  {
    name: 'winston',
    targets: ['winston'],
    module: '@opentelemetry/instrumentation-winston',
    cls: 'WinstonInstrumentation',
  },
];

export const OWN = ['http', 'undici', 'express', 'fastify', 'pino', 'runtime-node'] as const;

const DEPENDENCY_FIELDS = ['dependencies', 'devDependencies', 'optionalDependencies', 'peerDependencies'];

/**
 * The packages an app declares, from the nearest package.json from `dir` up that has a dependency field (one with
 * only `"type"`, as build output directories carry, is passed over); undefined when there is none or it cannot be
 * read. So our own transitive dependencies (e.g. @grpc/grpc-js), or packages a monorepo hoists for its other apps, do
 * not count as the app's.
 */
function declaredDependencies(dir: string): Set<string> | undefined {
  for (let current = dir; ; current = dirname(current)) {
    const file = join(current, 'package.json');
    if (statSync(file, { throwIfNoEntry: false })?.isFile()) {
      let pkg: Record<string, unknown>;
      try {
        pkg = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      const fields = DEPENDENCY_FIELDS.filter((f) => pkg[f] !== null && typeof pkg[f] === 'object');
      if (fields.length > 0) return new Set(fields.flatMap((f) => Object.keys(pkg[f] as object)));
    }
    if (dirname(current) === current) return undefined;
  }
}

export function isEnabled(cfg: ResolvedConfig, name: string): boolean {
  if (cfg.enabledInstrumentations && !cfg.enabledInstrumentations.includes(name)) return false;
  return !cfg.disabledInstrumentations.includes(name);
}

/** Official instrumentations the configuration allows (grpc only when the app depends on @grpc/grpc-js itself). */
function allowedOfficial(cfg: ResolvedConfig): OfficialSpec[] {
  let deps: Set<string> | undefined;
  return OFFICIAL.filter((spec) => {
    if (!isEnabled(cfg, spec.name)) return false;
    // @grpc/grpc-js is our own exporter's dependency: only instrument it when the app asks for it directly.
    if (spec.name === 'grpc') {
      deps ??= declaredDependencies(process.cwd());
      return deps?.has('@grpc/grpc-js') === true;
    }
    return true;
  });
}

/**
 * Target packages of allowed official instrumentations that are ES module code where the app would find them (from
 * the entry script's directory up, else from the working directory up) and that the app declares in its package.json
 * (the nearest one from the same directory up; without one, every such package counts): they are loaded before the
 * app, which only an app that uses them should pay for.
 */
export function esModuleTargets(cfg: ResolvedConfig, entry = process.argv[1], cwd = process.cwd()): EsModulePackage[] {
  const entryDir = entry ? dirname(resolve(entry)) : undefined;
  // The walk up from the entry's directory passes the working directory when the entry is inside it.
  const inCwd = entryDir !== undefined && (entryDir === cwd || entryDir.startsWith(cwd + sep));
  const from = entryDir === undefined ? [cwd] : inCwd ? [entryDir] : [entryDir, cwd];
  const found = esModulePackages(
    allowedOfficial(cfg).flatMap((spec) => spec.targets),
    from,
  );
  if (found.length === 0) return found;
  const declared = declaredDependencies(from[0] as string);
  return declared === undefined ? found : found.filter((p) => declared.has(p.name));
}

function checkNames(cfg: ResolvedConfig): void {
  const known = new Set<string>([...OWN, ...OFFICIAL.map((s) => s.name)]);
  for (const [variable, list] of [
    ['OTEL_NODE_ENABLED_INSTRUMENTATIONS', cfg.enabledInstrumentations ?? []],
    ['OTEL_NODE_DISABLED_INSTRUMENTATIONS', cfg.disabledInstrumentations],
  ] as const) {
    for (const name of list) {
      if (known.has(name)) continue;
      const message = `${variable} names "${name}", which is not an instrumentation; known: ${[...known].join(', ')}. Ignored.`;
      if (cfg.strict) throw new SightlineConfigError('SIGHTLINE_ERR_SDK_INSTRUMENTATION', message);
      warn('SIGHTLINE_ERR_SDK_INSTRUMENTATION', message);
    }
  }
}

/**
 * Loads one official instrumentation, enabled unless `enabled` is false (then whoever asked enables it); returns it
 * (undefined when it failed, warned).
 */
function loadOfficial(spec: OfficialSpec, enabled = true): { disable(): void } | undefined {
  try {
    const mod = require(spec.module) as Record<string, new (c?: Record<string, unknown>) => { disable(): void }>;
    const Cls = mod[spec.cls];
    if (!Cls) throw new Error(`${spec.module} has no export ${spec.cls}`);
    return new Cls(enabled ? (spec.config ?? {}) : { ...spec.config, enabled: false });
  } catch (err) {
    warn(
      'SIGHTLINE_ERR_SDK_INSTRUMENTATION',
      `instrumentation "${spec.name}" could not be loaded (${(err as Error).message}); the app runs without it.`,
    );
    return undefined;
  }
}

export interface InstalledInstrumentations {
  uninstrument(): void;
  /** The official instrumentations loaded at start, by target package. */
  loadedAtStart: Map<string, unknown>;
}

/**
 * `httpDuration` receives http.server.request.duration; the SDK registers it as a metric producer. `contextStore`: the
 * context manager's AsyncLocalStorage, for instrumentations that bind it to a tracing channel. `atStart`: target
 * packages (ES module code) whose instrumentations load now, disabled: the SDK enables each once its package is
 * patched ahead of the app (esm-preload.ts) or hooked, so that nothing patches the package while the preload loads it.
 */
export function installInstrumentations(
  cfg: ResolvedConfig,
  httpDuration: HttpServerDurationMetric,
  atStart: readonly string[] = [],
  contextStore?: AsyncLocalStorage<Context>,
): InstalledInstrumentations {
  checkNames(cfg);
  const tracer = trace.getTracer('@sightline/node/http');
  const undo: Array<() => void> = [];
  if (isEnabled(cfg, 'http')) {
    undo.push(
      installHttpServer(tracer, httpDuration, {
        ignoreRoutes: cfg.ignoreRoutes,
        redactQueryParams: cfg.redactQueryParams,
      }),
    );
    undo.push(installHttpClient(tracer, cfg.redactQueryParams));
  }
  if (isEnabled(cfg, 'undici')) undo.push(installFetchClient(tracer, cfg.redactQueryParams));
  setExpressEnabled(isEnabled(cfg, 'express'));
  if (isEnabled(cfg, 'fastify')) undo.push(installFastify());
  if (isEnabled(cfg, 'pino')) undo.push(installPinoHook());
  // GraphQL 17 publishes tracing channels (subscribing costs nothing until it does); 14–16 get the official one below.
  if (isEnabled(cfg, 'graphql'))
    undo.push(installGraphqlChannels(trace.getTracer('@sightline/node/graphql'), contextStore));
  // Each official instrumentation loads just before its package first loads, however it is loaded (nothing is
  // resolved for that: a package the app loads is one it has); those of `atStart` packages load now.
  const loadedAtStart = new Map<string, unknown>();
  for (const spec of allowedOfficial(cfg)) {
    let loaded: { disable(): void } | undefined;
    let tried = false;
    const load = (enabled = true): void => {
      if (tried) return;
      tried = true;
      loaded = loadOfficial(spec, enabled);
      if (loaded) undo.push(() => loaded?.disable());
    };
    const now = spec.targets.filter((t) => atStart.includes(t));
    if (now.length > 0) {
      load(false);
      for (const target of now) if (loaded) loadedAtStart.set(target, loaded);
    } else for (const target of spec.targets) undo.push(beforeFirstLoad(target, () => load()));
  }
  return {
    uninstrument: () => {
      for (const u of undo.reverse()) u();
    },
    loadedAtStart,
  };
}
