import { createReadStream, existsSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const MISSING_UI = `<!doctype html><html><head><meta charset="utf-8"><title>Sightline</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>Sightline</h1>
<p>The web UI is not built. Run <code>npm run build</code> in the Sightline repository, then restart <code>sightline up</code>.</p>
<p>The query API is available under <a href="/api/health">/api/health</a>.</p></body></html>`;

/** Serves the built UI from `dir` with SPA fallback to index.html; without a build, a page saying how to build it. */
export function serveUi(dir: string | undefined, pathname: string, res: ServerResponse): void {
  const index = dir ? join(dir, 'index.html') : undefined;
  if (!dir || !index || !existsSync(index)) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(MISSING_UI);
    return;
  }
  let file = index;
  let decoded = pathname;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    // keep the raw path; it will not match a file
  }
  const candidate = normalize(join(dir, decoded));
  if (candidate.startsWith(normalize(dir) + sep) && existsSync(candidate) && statSync(candidate).isFile())
    file = candidate;
  const type = TYPES[extname(file)] ?? 'application/octet-stream';
  const immutable = file !== index && /\/assets\//.test(file);
  res.writeHead(200, {
    'content-type': type,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  createReadStream(file).pipe(res);
}
