import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from './demo-harness.js';

const built = existsSync(CLI_BIN);
if (!built) console.warn('skipped: sightline demo flag checks — packages/cli is not built; run npm run build');

function demo(...args: string[]) {
  const result = spawnSync(process.execPath, [CLI_BIN, 'demo', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { status: result.status, stderr: result.stderr, stdout: result.stdout };
}

describe.skipIf(!built)('sightline demo refuses bad flags before starting anything', () => {
  let occupied: Server;
  let busyPort = 0;

  beforeAll(async () => {
    occupied = createServer();
    await new Promise<void>((resolve) => occupied.listen(0, '127.0.0.1', resolve));
    busyPort = (occupied.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => occupied.close(() => resolve())));

  it('rejects a --rate that is not a positive number, naming the flag and the value (exit 2)', () => {
    const result = demo('--rate', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('error SIGHTLINE_ERR_DEMO_INVALID_OPTION: --rate');
    expect(result.stderr).toContain("got '0'");
  });

  it('rejects a port outside 0-65535 and a --duration that is not a number', () => {
    const port = demo('--otlp-grpc-port', '70000');
    expect(port.status).toBe(2);
    expect(port.stderr).toMatch(
      /SIGHTLINE_ERR_DEMO_INVALID_OPTION: --otlp-grpc-port must be an integer from 0 to 65535.*'70000'/,
    );
    const duration = demo('--duration', 'soon');
    expect(duration.status).toBe(2);
    expect(duration.stderr).toContain(
      "--duration must be a number of seconds greater than 0 and at most 31536000, got 'soon'",
    );
  });

  it('accepts only auto, memory or a matching URL for --database and --queue', () => {
    const database = demo('--database', 'mysql://root@127.0.0.1/test');
    expect(database.status).toBe(2);
    expect(database.stderr).toContain(
      "--database must be 'auto', 'memory' or a URL starting with postgres:// or postgresql://, got 'mysql://root@127.0.0.1/test'",
    );
    const queue = demo('--queue', 'kafka');
    expect(queue.status).toBe(2);
    expect(queue.stderr).toContain(
      "--queue must be 'auto', 'memory' or a URL starting with amqp:// or amqps://, got 'kafka'",
    );
  });

  it('refuses an explicitly requested port that is taken, naming the flag to change (exit 2)', () => {
    const result = demo('--port', String(busyPort), '--otlp-grpc-port', '0', '--otlp-http-port', '0');
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      `error SIGHTLINE_ERR_DEMO_PORT_IN_USE: --port ${busyPort}: 127.0.0.1:${busyPort} is already in use`,
    );
    expect(result.stdout).not.toContain('ready');
  });
});
