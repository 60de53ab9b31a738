// The journeys of issue 4 in a real browser against a real backend fed by the OpenTelemetry SDK.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ensureUiBuilt,
  launchBrowser,
  type RunningBackend,
  screenshot,
  skipReason,
  startBackend,
  waitForApi,
} from './harness';
import { type SentTelemetry, sendTelemetry } from './telemetry';

const reason = await skipReason();
if (reason) console.warn(`skipped: UI journeys — ${reason}`);

describe.skipIf(reason !== '')('Sightline UI journeys', () => {
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;
  let sent: SentTelemetry;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ensureUiBuilt();
    backend = await startBackend();
    sent = await sendTelemetry(backend.otlpHttp);
    await waitForApi<{ logs: unknown[] }>(`${backend.url}/api/logs?traceId=${sent.traceId}`, (b) => b.logs.length >= 4);
    await waitForApi<{ spans: unknown[] }>(`${backend.url}/api/spans`, (b) => b.spans.length >= sent.parents.size);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  it('lists both services with their request rate on the Services page', async () => {
    await page.goto(`${backend.url}/`);
    const table = page.getByRole('table', { name: 'Services' });
    await expect
      .poll(() => table.getByRole('link').allTextContents())
      .toEqual(expect.arrayContaining(['checkout', 'inventory']));
    await expect
      .poll(() => page.getByRole('link', { name: 'Services', exact: true }).getAttribute('aria-current'))
      .toBe('page');
    await screenshot(page, 'services');
  });

  it('opens a trace from the Traces page and nests the waterfall by the stored parent ids', async () => {
    await page.getByRole('link', { name: 'Traces', exact: true }).click();
    const link = page
      .getByRole('table', { name: 'Traces' })
      .getByRole('link', { name: /GET \/orders\/:id/ })
      .first();
    await link.waitFor();
    await screenshot(page, 'traces');
    // Each result links to its logs too.
    const logsHref = await page.getByRole('link', { name: 'logs', exact: true }).first().getAttribute('href');
    expect(new URL(logsHref ?? '', backend.url).searchParams.get('traceId')).toBe(sent.traceId);
    await link.click();
    await page.waitForURL((u) => u.pathname === `/traces/${sent.traceId}`);
    const rows = page.locator('.wf-row');
    await expect.poll(() => rows.count()).toBe(sent.parents.size);
    const shown = await rows.evaluateAll((els) =>
      els.map((e) => ({
        id: e.getAttribute('data-span-id') ?? '',
        parent: e.getAttribute('data-parent-id') ?? '',
        depth: Number(e.getAttribute('data-depth')),
      })),
    );
    const depthOf = new Map(shown.map((r) => [r.id, r.depth]));
    for (const row of shown) {
      expect(row.parent).toBe(sent.parents.get(row.id));
      expect(row.depth).toBe(row.parent ? (depthOf.get(row.parent) ?? -1) + 1 : 0);
    }
    // Depth-first order: every child comes after its parent.
    const order = shown.map((r) => r.id);
    for (const row of shown) if (row.parent) expect(order.indexOf(row.parent)).toBeLessThan(order.indexOf(row.id));
    await screenshot(page, 'trace');
  });

  it('searches traces by status and attribute, keeping the search in the URL', async () => {
    await page.goto(`${backend.url}/traces`);
    const form = page.getByRole('form', { name: 'Trace search' });
    await form.getByLabel('Attributes').fill('http.route=/orders/:id');
    await form.getByRole('button', { name: 'Search' }).click();
    await page.waitForURL((u) => u.searchParams.get('attr.http.route') === '/orders/:id');
    await expect.poll(() => page.getByRole('table', { name: 'Traces' }).locator('tbody tr').count()).toBe(1);
    await form.getByLabel('Attributes').fill('http.route=/nope');
    await form.getByRole('button', { name: 'Search' }).click();
    await expect.poll(() => page.locator('p.none').textContent()).toContain('No traces match');
    await form.getByLabel('Attributes').fill('not a filter');
    await form.getByRole('button', { name: 'Search' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('"not a filter" is not key=value');
    await page.goto(`${backend.url}/traces?status=error`);
    await expect.poll(() => page.getByRole('table', { name: 'Traces' }).locator('tbody tr').count()).toBe(1);
    expect(await page.getByRole('form', { name: 'Trace search' }).getByLabel('Status').inputValue()).toBe('error');
  });

  it('shows a span’s attributes, resource and exception stack in the detail panel', async () => {
    await page.goto(`${backend.url}/traces/${sent.traceId}`);
    await page.locator('.wf-row', { hasText: 'reserve stock' }).click();
    const panel = page.getByRole('complementary', { name: 'Span detail' });
    await expect.poll(() => panel.textContent()).toContain('stock service timed out');
    expect(await panel.locator('pre.stack').textContent()).toContain('Error: stock service timed out');
    expect(await panel.getByRole('table', { name: 'Resource' }).textContent()).toContain('inventory');
    await screenshot(page, 'trace-span-detail');
  });

  it('collapses a span’s subtree and expands it again', async () => {
    await page.getByRole('button', { name: 'Collapse GET /orders/:id' }).click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(1);
    await page.getByRole('button', { name: 'Expand GET /orders/:id' }).click();
    await expect.poll(() => page.locator('.wf-row').count()).toBe(sent.parents.size);
  });

  it('goes from the trace to its logs, and from a log back to the same trace', async () => {
    await page.getByRole('link', { name: 'Logs for this trace' }).click();
    await page.waitForURL((u) => u.pathname === '/logs' && u.searchParams.get('traceId') === sent.traceId);
    const logRows = page.locator('.log-row');
    await expect.poll(() => logRows.count()).toBe(4);
    await screenshot(page, 'logs-for-trace');
    // The logs are searched around the trace's own time, and the picker shows that range.
    expect(await page.getByLabel('Time range').inputValue()).toBe('custom');
    expect(await page.getByLabel('From').inputValue()).toMatch(/^\d{4}-\d\d-\d\dT/);
    await logRows.filter({ hasText: 'retrying reservation' }).locator('a.trace-link').click();
    await page.waitForURL((u) => u.pathname === `/traces/${sent.traceId}`);
    await expect.poll(() => page.getByTestId('trace-id').textContent()).toBe(sent.traceId);
    await expect.poll(() => page.locator('.wf-row').count()).toBe(sent.parents.size);
  });

  it('filters logs by severity', async () => {
    await page.goto(`${backend.url}/logs`);
    await expect.poll(() => page.locator('.log-row').count()).toBe(5);
    await page.getByLabel('Severity').selectOption('warn');
    await page.waitForURL((u) => u.searchParams.get('severity') === 'warn');
    await expect
      .poll(async () => (await page.locator('.log-row .sev').allTextContents()).sort())
      .toEqual(['error', 'warn']);
    await screenshot(page, 'logs-severity');
  });

  it('pretty-prints a JSON log body in the detail view', async () => {
    await page.goto(`${backend.url}/logs?q=cache`);
    await page.locator('.log-row', { hasText: 'cache' }).click();
    const body = page.getByRole('complementary', { name: 'Log detail' }).locator('pre.body');
    await expect.poll(() => body.textContent()).toContain('"keys": [\n');
  });

  it('charts a metric with points and its histogram heatmap', async () => {
    await page.goto(`${backend.url}/metrics`);
    await page.getByRole('button', { name: /http\.server\.request\.duration/ }).click();
    const chart = page.locator('figure.chart').first();
    await expect
      .poll(async () => Number(await chart.getAttribute('data-points')), { timeout: 15_000 })
      .toBeGreaterThan(0);
    // uPlot arrives in its own chunk: wait for its canvas.
    await expect.poll(() => chart.locator('.uplot canvas').count()).toBeGreaterThan(0);
    await expect
      .poll(async () => Number(await page.locator('figure.heatmap').getAttribute('data-cells')))
      .toBeGreaterThan(0);
    await page.getByLabel('Group by').selectOption('http.route');
    await expect
      .poll(() => page.locator('.u-legend .u-series').allTextContents())
      .toEqual(
        expect.arrayContaining([expect.stringContaining('/orders/:id'), expect.stringContaining('/stock/:sku')]),
      );
    await screenshot(page, 'metrics');
  });

  it('shows a service page with rate, error and latency charts, heatmap and routes', async () => {
    await page.goto(`${backend.url}/services/checkout`);
    await expect
      .poll(() => page.getByRole('table', { name: 'Routes of checkout' }).textContent())
      .toContain('GET /orders/:id');
    await expect
      .poll(async () => Number(await page.locator('figure.chart').first().getAttribute('data-points')))
      .toBeGreaterThan(0);
    await screenshot(page, 'service');
  });

  it('says which trace id is unknown, with the API error code', async () => {
    const missing = 'f'.repeat(32);
    await page.goto(`${backend.url}/traces/${missing}`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('SIGHTLINE_ERR_TRACE_NOT_FOUND');
  });

  it('copies a trace id to the clipboard with its copy button', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: backend.url });
    await page.goto(`${backend.url}/traces/${sent.traceId}`);
    await page.locator('.trace-summary').getByRole('button', { name: 'Copy trace id' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(sent.traceId);
  });

  it('follows the system theme: dark colours when the system is dark', async () => {
    const dark = await browser.newPage({ colorScheme: 'dark' });
    await dark.goto(`${backend.url}/services`);
    await dark.getByRole('table', { name: 'Services' }).getByRole('link').first().waitFor();
    const bg = await dark.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    expect((r ?? 255) + (g ?? 255) + (b ?? 255)).toBeLessThan(150);
    await screenshot(dark, 'services-dark');
    await dark.close();
  });

  it('does not shift the layout while the pages load their data', async () => {
    const fresh = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await fresh.addInitScript(() => {
      (window as unknown as { __cls: number }).__cls = 0;
      new PerformanceObserver((list) => {
        for (const e of list.getEntries() as (PerformanceEntry & { value: number; hadRecentInput: boolean })[]) {
          if (!e.hadRecentInput) (window as unknown as { __cls: number }).__cls += e.value;
        }
      }).observe({ type: 'layout-shift', buffered: true });
    });
    for (const path of ['/services', '/services/checkout', `/traces/${sent.traceId}`, '/logs']) {
      await fresh.goto(`${backend.url}${path}`);
      await fresh.waitForLoadState('networkidle');
      await fresh.waitForTimeout(300);
      const cls = await fresh.evaluate(() => (window as unknown as { __cls: number }).__cls);
      expect({ path, cls: cls < 0.1 }).toEqual({ path, cls: true });
    }
    await fresh.close();
  });

  it('keeps the time range in the query string across navigation', async () => {
    await page.goto(`${backend.url}/services`);
    await page.getByLabel('Time range').selectOption('now-15m');
    await page.waitForURL((u) => u.pathname === '/services' && u.searchParams.get('from') === 'now-15m');
    await page.getByRole('link', { name: 'Logs', exact: true }).click();
    await page.waitForURL((u) => u.pathname === '/logs' && u.searchParams.get('from') === 'now-15m');
    expect(pageErrors).toEqual([]);
  });
});
