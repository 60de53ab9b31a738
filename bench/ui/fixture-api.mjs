// A query-API fixture (docs/query-api.md shapes) serving generated data at scale plus packages/ui/dist, so the
// benchmark measures the UI alone: 50 services, a 5,000-span trace, 100,000 logs. Not used by the tests,
// which run against the real @sightline/server.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';

const hex = (n, len) => n.toString(16).padStart(len, '0').slice(-len);
const BIG_TRACE = 'b'.repeat(32);

export function makeData({ services = 50, spans = 5000, logs = 100_000, now = Date.now() } = {}) {
  const names = Array.from({ length: services }, (_, i) => `svc-${String(i).padStart(2, '0')}`);
  const svcRows = names.map((name, i) => ({
    name,
    requests: 1000 + i * 37,
    rate: 2 + i / 10,
    errors: i % 7,
    errorRatio: (i % 7) / (1000 + i * 37),
    p50Ms: 2 + i / 5,
    p95Ms: 20 + i,
    p99Ms: 80 + i * 2,
  }));
  const start = now - 2000;
  const spanRows = [];
  for (let i = 0; i < spans; i++) {
    // A bushy tree: each span's parent is an earlier span, depth grows logarithmically with a few long chains.
    const parent = i === 0 ? -1 : i < 50 ? i - 1 : Math.floor((i * 7919) % i);
    const s = start * 1e6 + i * 1e5;
    spanRows.push({
      traceId: BIG_TRACE,
      spanId: hex(i + 1, 16),
      parentSpanId: parent < 0 ? '' : hex(parent + 1, 16),
      name: `op-${i % 40}`,
      kind: i === 0 ? 2 : 1,
      startTimeUnixNano: String(s),
      endTimeUnixNano: String(s + 1e6 + (spans - i) * 2e5),
      attributes: [{ key: 'i', value: { intValue: String(i) } }],
      events: [],
      links: [],
      status: { code: i % 97 === 0 ? 2 : 0 },
    });
  }
  const trace = {
    resourceSpans: [0, 1, 2, 3].map((r) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: names[r] } }] },
      scopeSpans: [{ scope: { name: 'bench' }, spans: spanRows.filter((_, i) => i % 4 === r) }],
    })),
  };
  const logRows = Array.from({ length: logs }, (_, i) => ({
    id: String(i),
    timeMs: now - i * 10,
    service: names[i % services],
    severityNumber: [9, 9, 13, 17][i % 4],
    severityText: ['info', 'info', 'warn', 'error'][i % 4],
    body: i % 5 === 0 ? { msg: `request ${i}`, n: i } : `log line ${i} handled request`,
    traceId: i % 3 === 0 ? BIG_TRACE : '',
    spanId: '',
    attributes: { i: String(i) },
    resource: { 'service.name': names[i % services] },
  }));
  return { svcRows, trace, logRows, now };
}

function json(res, body, status = 200) {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(s);
}

const MIME = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

export function startFixture({ uiDir, data, port = 0 }) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    const p = url.pathname;
    if (p === '/api/services') return json(res, { services: data.svcRows });
    if (/^\/api\/services\/[^/]+\/series$/.test(p)) {
      const points = Array.from({ length: 30 }, (_, i) => ({
        t: data.now - (30 - i) * 60000,
        rate: 1 + Math.sin(i),
        errorRatio: 0,
        p50Ms: 3,
        p95Ms: 9,
        p99Ms: 12,
      }));
      return json(res, { step: 60000, points });
    }
    if (/^\/api\/services\/[^/]+\/operations$/.test(p)) return json(res, { operations: [] });
    if (p === `/api/traces/${BIG_TRACE}`) return json(res, data.trace);
    if (p === '/api/traces') return json(res, { traces: [] });
    if (p === '/api/logs') {
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const from = Number(url.searchParams.get('cursor') ?? 0);
      const page = data.logRows.slice(from, from + limit);
      return json(res, { logs: page, nextCursor: from + limit < data.logRows.length ? String(from + limit) : null });
    }
    if (p === '/api/metrics') return json(res, { metrics: [] });
    if (p === '/__baseline/services') {
      // Baseline: the same 50-row table as static HTML, no script: the fastest a first paint can be here.
      const rows = data.svcRows
        .map(
          (r) =>
            `<tr><td>${r.name}</td><td>${r.requests}</td><td>${r.rate}/s</td><td>${r.p50Ms} ms</td><td>${r.p95Ms} ms</td><td>${r.p99Ms} ms</td></tr>`,
        )
        .join('');
      res.writeHead(200, { 'content-type': 'text/html' });
      return res.end(
        `<!doctype html><html><body><table aria-label="Services"><tbody>${rows}</tbody></table></body></html>`,
      );
    }
    if (p.startsWith('/api/')) return json(res, { error: { code: 'SIGHTLINE_ERR_NOT_FOUND', message: p } }, 404);
    let file = normalize(join(uiDir, p));
    if (!file.startsWith(uiDir) || !existsSync(file) || statSync(file).isDirectory()) file = join(uiDir, 'index.html');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

export { BIG_TRACE };

if (import.meta.url === `file://${process.argv[1]}`) {
  const uiDir = new URL('../../packages/ui/dist/', import.meta.url).pathname;
  const server = await startFixture({ uiDir, data: makeData(), port: Number(process.env.PORT ?? 4499) });
  console.log(`fixture UI on http://127.0.0.1:${server.address().port}/`);
}
