// The User-Agent our exporters send, so a collector can tell which SDK (and version) a batch came from.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function packageVersion(): string {
  try {
    // src/otlp and dist/otlp are both two levels below the package root.
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export const USER_AGENT = `sightline-node/${packageVersion()} (OTLP exporter; Node.js ${process.versions.node})`;
