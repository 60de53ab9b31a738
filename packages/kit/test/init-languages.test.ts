import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './fixtures/run-cli.js';

let tmp: string;
beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'sightline-init-lang-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const has = (cmd: string, arg = '--version') => spawnSync(cmd, [arg]).status === 0;
const hasPython = has('python3');
const hasRustfmt = has('rustfmt');
const hasGofmt = spawnSync('gofmt', ['-l', '/dev/null']).error === undefined;
if (!hasPython) console.warn('skipped: Python compile check (python3 not installed)');
if (!hasRustfmt) console.warn('skipped: Rust format check (rustfmt not installed)');

async function init(language: string, framework: string | undefined, name: string) {
  const out = join(tmp, name);
  const args = ['init', '--language', language, '--out', out, ...(framework ? ['--framework', framework] : [])];
  const run = await runCli(args);
  return { ...run, out, file: (f: string) => readFileSync(join(out, f), 'utf8') };
}

describe('sightline init --language for the other services of a polyglot system', () => {
  it.skipIf(!hasPython)('Python/FastAPI: setup compiles, structlog lines carry trace_id and span_id', async () => {
    const run = await init('python', 'fastapi', 'checkout');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ok        otel_setup.py: python3 -m py_compile: ok');
    const setup = run.file('otel_setup.py');
    expect(setup).toContain('event_dict["trace_id"] = format(span_context.trace_id, "032x")');
    expect(setup).toContain('event_dict["span_id"] = format(span_context.span_id, "016x")');
    expect(setup).toContain('FastAPIInstrumentor.instrument_app(app)');
    expect(setup).toContain('os.environ.get("OTEL_SERVICE_NAME", "checkout")');
    expect(run.file('requirements.txt')).toContain('opentelemetry-exporter-otlp-proto-grpc');
    expect(run.file('README.md')).toContain('deployment.environment.name');
  });

  it.skipIf(!hasPython)('Python setups for Flask and Django compile too', async () => {
    for (const framework of ['flask', 'django']) {
      const run = await init('python', framework, `py-${framework}`);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('python3 -m py_compile: ok');
    }
  });

  it.skipIf(!hasPython)('the generated Python processor really writes the ids of the active span', async () => {
    const run = await init('python', 'flask', 'py-processor');
    // Run add_trace_context against a stub of the OpenTelemetry API: the real one is not installed here.
    const stub = join(run.out, 'stub');
    const probe = `
import sys, types, re, importlib.util
src = open(${JSON.stringify(join(run.out, 'otel_setup.py'))}).read()
fn = src[src.index("def add_trace_context"):src.index("def setup_telemetry")]
class Ctx:
    is_valid = True; trace_id = 0x4bf92f3577b34da6a3ce929d0e0e4736; span_id = 0x00f067aa0ba902b7; trace_flags = 1
class Span:
    def get_span_context(self): return Ctx()
trace = types.SimpleNamespace(get_current_span=lambda: Span())
ns = {"trace": trace}
exec(fn, ns)
print(ns["add_trace_context"](None, "info", {"event": "x"}))
`;
    writeFileSync(`${stub}.py`, probe);
    const out = spawnSync('python3', [`${stub}.py`], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.stdout.trim()).toBe(
      "{'event': 'x', 'trace_id': '4bf92f3577b34da6a3ce929d0e0e4736', 'span_id': '00f067aa0ba902b7', 'trace_flags': '01'}",
    );
  });

  it.skipIf(!hasRustfmt)('Rust/axum: telemetry.rs passes rustfmt --check and logs trace_id/span_id', async () => {
    const run = await init('rust', 'axum', 'pricing');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('ok        telemetry.rs: rustfmt --check: ok');
    expect(run.file('telemetry.rs')).toContain('"trace_id".to_string()');
    expect(run.file('telemetry.rs')).toContain('const DEFAULT_SERVICE_NAME: &str = "pricing";');
    expect(run.file('cargo-dependencies.toml')).toContain('tracing-opentelemetry');
  });

  it('Go/Gin: writes the slog setup and says whether gofmt checked it', async () => {
    const run = await init('go', 'gin', 'inventory-go');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(
      hasGofmt ? 'ok        telemetry.go: gofmt -e: ok' : 'unchecked telemetry.go: gofmt is not installed',
    );
    expect(run.file('telemetry.go')).toContain('slog.String("trace_id", sc.TraceID().String())');
    expect(run.file('go-dependencies.txt')).toContain('otelgin');
  });

  it('Java/Spring Boot and .NET/ASP.NET Core: written, and reported as unchecked', async () => {
    const java = await init('java', 'spring-boot', 'billing-java');
    expect(java.code, java.stderr).toBe(0);
    expect(java.stdout).toContain('unchecked otel-javaagent.properties');
    expect(java.file('otel-javaagent.properties')).toContain('otel.instrumentation.common.logging.trace-id=trace_id');
    expect(java.file('logback-spring.xml')).toContain('"trace_id":"%mdc{trace_id}"');
    const dotnet = await init('dotnet', 'aspnetcore', 'billing-dotnet');
    expect(dotnet.code, dotnet.stderr).toBe(0);
    expect(dotnet.stdout).toContain('unchecked SightlineTelemetry.cs: .NET output is not compiled here');
    expect(dotnet.file('SightlineTelemetry.cs')).toContain('["trace_id"] = activity.TraceId.ToHexString()');
  });

  it('a second run into the same directory changes nothing', async () => {
    const first = await init('go', 'echo', 'same-dir');
    expect(first.code).toBe(0);
    const again = await init('go', 'echo', 'same-dir');
    expect(again.stdout).toContain('already set up: nothing to change');
  });

  it('asks before replacing a file it did not write, and refuses without a terminal (exit 2)', async () => {
    const out = join(tmp, 'edited');
    await runCli(['init', '--language', 'python', '--out', out]);
    writeFileSync(join(out, 'requirements.txt'), 'django==5.1\n');
    const run = await runCli(['init', '--language', 'python', '--out', out]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('-django==5.1');
    expect(readFileSync(join(out, 'requirements.txt'), 'utf8')).toBe('django==5.1\n');
  });

  it('rejects unknown languages and frameworks, and --language without --out (exit 2)', async () => {
    const lang = await runCli(['init', '--language', 'cobol', '--out', join(tmp, 'x')]);
    expect(lang.code).toBe(2);
    expect(lang.stderr).toContain(
      'SIGHTLINE_ERR_INIT_LANGUAGE: --language "cobol" is not supported; accepted: python, go, rust, java, dotnet',
    );
    const fw = await runCli(['init', '--language', 'go', '--framework', 'fiber', '--out', join(tmp, 'y')]);
    expect(fw.stderr).toContain(
      'SIGHTLINE_ERR_INIT_FRAMEWORK: --framework "fiber" is not supported for go; accepted: nethttp, gin, echo',
    );
    const out = await runCli(['init', '--language', 'rust']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('SIGHTLINE_ERR_INIT_OUT: --language rust needs --out DIR');
  });
});
