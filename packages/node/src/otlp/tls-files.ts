// The PEM files named by OTEL_EXPORTER_OTLP_[SIGNAL_]CERTIFICATE / _CLIENT_KEY / _CLIENT_CERTIFICATE, read once when
// the exporter is created (the first export). A file that cannot be read is a configuration error for that signal:
// the exporter does not start and the batch is counted as dropped with this message (sending without the private CA
// or client certificate the user asked for would only fail the TLS handshake later, less clearly).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

export interface TlsFiles {
  ca?: Buffer;
  key?: Buffer;
  cert?: Buffer;
}

const VARIABLE = { ca: 'CERTIFICATE', key: 'CLIENT_KEY', cert: 'CLIENT_CERTIFICATE' } as const;

export function readTlsFiles(paths: { ca?: string; key?: string; cert?: string } | undefined): TlsFiles {
  const out: TlsFiles = {};
  for (const field of ['ca', 'key', 'cert'] as const) {
    const path = paths?.[field];
    if (!path) continue;
    try {
      out[field] = readFileSync(resolve(path));
    } catch (err) {
      throw new Error(
        `SIGHTLINE_ERR_SDK_TLS_FILE: cannot read ${path} (OTEL_EXPORTER_OTLP_[SIGNAL_]${VARIABLE[field]}): ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; give the path of a readable PEM file`,
      );
    }
  }
  if (Boolean(out.key) !== Boolean(out.cert)) {
    throw new Error(
      'SIGHTLINE_ERR_SDK_TLS_FILE: a client key and a client certificate go together; set both OTEL_EXPORTER_OTLP_[SIGNAL_]CLIENT_KEY and _CLIENT_CERTIFICATE, or neither',
    );
  }
  return out;
}
