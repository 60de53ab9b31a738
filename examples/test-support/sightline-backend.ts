import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Row shapes of the query API's bulk reads (docs/query-api.md). */
export interface SpanRow {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  service: string;
  name: string;
  kind: string;
  startMs: number;
  durationMs: number;
  statusCode: 'unset' | 'ok' | 'error';
  statusMessage: string;
  scopeName: string;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
  events: { name: string; timeMs: number; attributes: Record<string, unknown> }[];
}

export interface LogRow {
  timeMs: number;
  service: string;
  severityNumber: number;
  severityText: string;
  body: unknown;
  traceId: string;
  spanId: string;
  attributes: Record<string, unknown>;
}

export interface MetricRow {
  name: string;
  type: string;
  unit: string;
  monotonic: boolean;
  services: string[];
}

/**
 * Builds what the test runs: the example (its tsconfig references @sightline/node), the backend and the CLI. `tsc -b`
 * is incremental, so this costs a second when `npm test`'s pretest build already ran. A lock directory keeps two
 * test files from writing the same outputs at once. A project that fails to build while its dist/ exists is
 * reported and tested at its previous build.
 */
export function buildForTest(exampleDir: string): void {
  const lock = join(tmpdir(), 'sightline-examples-build.lock');
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than two minutes was left by a killed run.
      const heldSince = statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now();
      if (Date.now() - heldSince > 120_000) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`build lock ${lock} held for too long`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  const tsc = (projects: string[]) =>
    execFileSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-b', ...projects], {
      cwd: repoRoot,
      stdio: 'pipe',
    });
  const projects = [exampleDir, 'packages/server', 'packages/kit', 'packages/cli'];
  try {
    tsc(projects);
  } catch {
    // One of them does not compile: build each alone. Another package mid-edit must not stop the example's tests
    // when its last good build is there.
    for (const project of projects) {
      try {
        tsc([project]);
      } catch (err) {
        if (!existsSync(resolve(repoRoot, project, 'dist'))) throw err;
        const output = String((err as { stdout?: Buffer }).stdout ?? '').slice(0, 400);
        console.warn(`build of ${project} failed; testing against its previous dist/:\n${output}`);
      }
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** `sightline up` in-process on ephemeral ports with a temporary data directory. */
export class SightlineBackend {
  private constructor(
    private readonly handle: { otlpGrpcUrl: string; otlpHttpUrl: string; apiUrl: string; close(): Promise<void> },
    readonly dataDir: string,
  ) {}

  static async start(): Promise<SightlineBackend> {
    const { startServer } = await import('@sightline/server');
    const dataDir = mkdtempSync(join(tmpdir(), 'sightline-example-'));
    const handle = await startServer({ dataDir, port: 0, otlpGrpcPort: 0, otlpHttpPort: 0 });
    return new SightlineBackend(handle, dataDir);
  }

  get apiUrl(): string {
    return this.handle.apiUrl;
  }

  /**
   * OTLP environment for an example process, as a user would set it: gRPC (the default protocol) or OTLP/HTTP
   * protobuf to the base URL; short export intervals so the test does not wait.
   */
  otelEnv(serviceName: string, protocol: 'grpc' | 'http/protobuf' = 'grpc'): Record<string, string> {
    return {
      OTEL_SERVICE_NAME: serviceName,
      OTEL_EXPORTER_OTLP_ENDPOINT: protocol === 'grpc' ? this.handle.otlpGrpcUrl : this.handle.otlpHttpUrl,
      OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
      OTEL_METRIC_EXPORT_INTERVAL: '1000',
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
    };
  }

  async get<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const url = new URL(path, this.handle.apiUrl);
    url.searchParams.set('from', params.from ?? 'now-1h');
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    const response = await fetch(url);
    const body = await response.text();
    if (!response.ok) throw new Error(`GET ${url} → ${response.status}: ${body}`);
    return JSON.parse(body) as T;
  }

  async spans(service?: string): Promise<SpanRow[]> {
    return this.#paged<SpanRow>('/api/spans', 'spans', service);
  }

  async logs(service?: string): Promise<LogRow[]> {
    return this.#paged<LogRow>('/api/logs/export', 'logs', service);
  }

  async metrics(service: string): Promise<MetricRow[]> {
    return (await this.get<{ metrics: MetricRow[] }>('/api/metrics', { service })).metrics;
  }

  async #paged<T>(path: string, key: string, service?: string): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | null = null;
    do {
      const params: Record<string, string> = { limit: '10000' };
      if (service) params.service = service;
      if (cursor) params.cursor = cursor;
      const page: Record<string, unknown> = await this.get(path, params);
      rows.push(...(page[key] as T[]));
      cursor = (page.nextCursor as string | null) ?? null;
    } while (cursor);
    return rows;
  }

  async close(): Promise<void> {
    await this.handle.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** Polls until `probe` returns a value (not undefined) or the deadline passes; telemetry arrives asynchronously. */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}
