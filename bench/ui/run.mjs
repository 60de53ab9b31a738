// UI benchmark in headless Chromium against a query-API fixture (bench/ui/fixture-api.mjs), each figure next to
// a baseline measured in the same run:
//   services first paint, 50 services          vs a static 50-row HTML table (no script)
//   trace page interactive, 5,000 spans         vs creating the same 5,000 rows as plain DOM (no virtualization)
//   logs scrolling through 100,000 rows (fps)   vs scrolling an empty box of the same height
// Usage: npm run bench:ui   (RUNS=5 by default; results also written to bench/results/ui.json)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { BIG_TRACE, makeData, startFixture } from './fixture-api.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const uiDir = join(root, 'packages/ui/dist');
const RUNS = Number(process.env.RUNS ?? 5);
const CHROMIUM = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  console.error(`bench:ui needs Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  process.exit(2);
}
if (!existsSync(join(uiDir, 'index.html'))) {
  const r = spawnSync('npm', ['run', 'build', '-w', 'packages/ui'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(1);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

const data = makeData({ services: 50, spans: 5000, logs: 100_000 });
const server = await startFixture({ uiDir, data });
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});

// Records, in page time, when a selector first matches and the frame after it (≈ painted).
const watchScript = (selector) => `
  window.__bench = {};
  new MutationObserver((_, obs) => {
    if (document.querySelector(${JSON.stringify(selector)})) {
      window.__bench.rendered = performance.now();
      requestAnimationFrame(() => setTimeout(() => { window.__bench.painted = performance.now(); }, 0));
      obs.disconnect();
    }
  }).observe(document, { childList: true, subtree: true, attributes: true });`;

async function freshPage(init) {
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await ctx.newPage();
  if (init) await page.addInitScript(init);
  return { ctx, page };
}

async function servicesFirstPaint() {
  const ui = [];
  const baseline = [];
  for (let i = 0; i < RUNS; i++) {
    const { ctx, page } = await freshPage(watchScript('table[aria-label="Services"] tbody tr:nth-child(50) a'));
    await page.goto(`${base}/services`);
    await page.waitForFunction(() => window.__bench.painted);
    ui.push(await page.evaluate(() => window.__bench.painted));
    await ctx.close();
    const b = await freshPage(watchScript('table[aria-label="Services"] tbody tr:nth-child(50)'));
    await b.page.goto(`${base}/__baseline/services`);
    await b.page.waitForFunction(() => window.__bench.painted);
    baseline.push(await b.page.evaluate(() => window.__bench.painted));
    await b.ctx.close();
  }
  return { ui: median(ui), baseline: median(baseline), samples: ui };
}

async function traceInteractive() {
  const ui = [];
  const collapse = [];
  const baseline = [];
  for (let i = 0; i < RUNS; i++) {
    const { ctx, page } = await freshPage(watchScript('.waterfall[data-rows="5000"] .wf-row'));
    await page.goto(`${base}/traces/${BIG_TRACE}`);
    await page.waitForFunction(() => window.__bench.painted);
    const t = await page.evaluate((id) => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.endsWith(`/api/traces/${id}`));
      return { responseEnd: entry.responseEnd, painted: window.__bench.painted };
    }, BIG_TRACE);
    ui.push(t.painted - t.responseEnd);
    // Interaction: collapse the root (5,000 → 1 row) and measure until the next frame.
    collapse.push(
      await page.evaluate(
        () =>
          new Promise((done) => {
            const t0 = performance.now();
            document.querySelector('.wf-row .twisty').click();
            const check = () =>
              document.querySelector('.waterfall').getAttribute('data-rows') === '1'
                ? requestAnimationFrame(() => done(performance.now() - t0))
                : requestAnimationFrame(check);
            check();
          }),
      ),
    );
    // Baseline: the same 5,000 rows built as plain DOM, laid out and painted.
    baseline.push(
      await page.evaluate(
        (n) =>
          new Promise((done) => {
            const t0 = performance.now();
            const box = document.createElement('div');
            for (let k = 0; k < n; k++) {
              const row = document.createElement('div');
              row.className = 'wf-row';
              const name = document.createElement('div');
              name.textContent = `svc op-${k}`;
              const bar = document.createElement('div');
              bar.style.cssText = `margin-left:${k % 100}%;width:10px;height:12px;background:#36c`;
              row.append(name, bar);
              box.append(row);
            }
            document.body.append(box);
            void box.offsetHeight;
            requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
          }),
        5000,
      ),
    );
    await ctx.close();
  }
  return { ui: median(ui), collapse: median(collapse), baseline: median(baseline), samples: ui };
}

async function measureScroll(page, selector, seconds = 3, pxPerFrame = 1200) {
  return page.evaluate(
    ({ selector, seconds, pxPerFrame }) =>
      new Promise((done) => {
        const el = document.querySelector(selector);
        el.scrollTop = 0;
        const frames = [];
        const t0 = performance.now();
        const step = (ts) => {
          frames.push(ts);
          el.scrollTop = (el.scrollTop + pxPerFrame) % (el.scrollHeight - el.clientHeight);
          if (ts - t0 < seconds * 1000) requestAnimationFrame(step);
          else {
            const gaps = frames
              .slice(1)
              .map((f, i) => f - frames[i])
              .sort((a, b) => a - b);
            done({
              fps: (frames.length - 1) / ((frames[frames.length - 1] - frames[0]) / 1000),
              p95FrameMs: gaps[Math.floor(gaps.length * 0.95)],
              maxFrameMs: gaps[gaps.length - 1],
            });
          }
        };
        requestAnimationFrame(step);
      }),
    { selector, seconds, pxPerFrame },
  );
}

async function logsScroll() {
  const { ctx, page } = await freshPage();
  await page.goto(`${base}/logs`);
  await page.waitForSelector('.log-row');
  const t0 = Date.now();
  // Infinite scroll: keep going to the end until all 100,000 rows are loaded.
  while ((await page.locator('[aria-label="Logs"][role="grid"]').getAttribute('aria-rowcount')) !== '100000') {
    await page.evaluate(() => {
      const el = document.querySelector('.vlist');
      el.scrollTop = el.scrollHeight;
    });
    await page.waitForTimeout(20);
    if (Date.now() - t0 > 120_000) throw new Error('logs did not reach 100,000 rows in 120 s');
  }
  const loadAllMs = Date.now() - t0;
  // Wheel-like scrolling (120 px ≈ 5 rows per frame, 300 rows/s) and a fling (1,200 px ≈ 50 rows per frame).
  const ui = await measureScroll(page, '.vlist', 3, 120);
  const fling = await measureScroll(page, '.vlist', 3, 1200);
  const rowsInDom = await page.locator('.log-row').count();
  // Baseline: an empty scroller of the same height in the same page.
  await page.evaluate(() => {
    const box = document.createElement('div');
    box.id = 'baseline';
    box.style.cssText = 'position:fixed;inset:0;overflow:auto;z-index:9;background:#fff';
    const inner = document.createElement('div');
    inner.style.height = `${100_000 * 24}px`;
    box.append(inner);
    document.body.append(box);
  });
  const baseline = await measureScroll(page, '#baseline', 3, 120);
  await ctx.close();
  return { ui, fling, baseline, loadAllMs, rowsInDom };
}

const only = process.env.ONLY ?? '';
const skip = { ui: Number.NaN, baseline: Number.NaN, collapse: Number.NaN };
const services = !only || only === 'services' ? await servicesFirstPaint() : skip;
const trace = !only || only === 'trace' ? await traceInteractive() : skip;
const logs =
  !only || only === 'logs'
    ? await logsScroll()
    : { ui: { fps: Number.NaN }, baseline: { fps: Number.NaN }, loadAllMs: 0, rowsInDom: 0 };
await browser.close();
server.close();

const rows = [
  ['services first paint, 50 services (ms)', round(services.ui), round(services.baseline), '< 500', services.ui < 500],
  ['trace 5,000 spans interactive after data (ms)', round(trace.ui), round(trace.baseline), '< 1000', trace.ui < 1000],
  ['trace collapse root, 5,000 → 1 rows (ms)', round(trace.collapse), '', '', true],
  [
    'logs wheel scroll, 100,000 rows, 5 rows/frame (fps)',
    round(logs.ui.fps),
    round(logs.baseline.fps),
    '≥ 50',
    logs.ui.fps >= 50,
  ],
  ['logs wheel scroll p95 frame (ms)', round(logs.ui.p95FrameMs), round(logs.baseline.p95FrameMs), '', true],
  ['logs fling scroll, 50 rows/frame (fps)', round(logs.fling?.fps), round(logs.baseline.fps), '', true],
];
console.log(`UI benchmark (median of ${RUNS} runs where repeated; Chromium headless, this machine)\n`);
console.log(['metric', 'ui', 'baseline', 'ratio', 'target', 'ok'].join(' | '));
for (const [name, v, b, target, ok] of rows) {
  const ratio = typeof b === 'number' && b > 0 ? `${round(v / b, 2)}x` : '';
  console.log([name, v, b, ratio, target, ok ? 'yes' : 'NO'].join(' | '));
}
console.log(
  `\n(logs: ${logs.loadAllMs} ms to page in all 100,000 rows by infinite scroll; ${logs.rowsInDom} rows in the DOM)`,
);
mkdirSync(join(root, 'bench/results'), { recursive: true });
writeFileSync(
  join(root, 'bench/results/ui.json'),
  JSON.stringify({ services, trace, logs, at: new Date().toISOString() }, null, 2),
);
process.exit(rows.every((r) => r[4]) ? 0 : 1);
