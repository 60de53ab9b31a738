// A fresh backend: the empty states explain how to send data, auto-refresh and live tail show new data
// without a reload, and the tables and lists work from the keyboard.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, launchBrowser, type RunningBackend, screenshot, skipReason, startBackend } from './harness';
import { type SentTelemetry, sendLog, sendTelemetry } from './telemetry';

const reason = await skipReason();
if (reason) console.warn(`skipped: UI live updates — ${reason}`);

describe.skipIf(reason !== '')('Sightline UI on a fresh backend', () => {
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;
  let sent: SentTelemetry;

  beforeAll(async () => {
    ensureUiBuilt();
    backend = await startBackend();
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  it('tells a new user exactly how to send data, then shows it on the next auto-refresh', async () => {
    await page.goto(`${backend.url}/services?refresh=5s`);
    const empty = page.getByRole('status');
    await expect.poll(() => empty.textContent()).toContain('No services yet');
    // The exact endpoint: the one /api/health reports, else the standard gRPC port on the UI's host.
    const health = (await (await fetch(`${backend.url}/api/health`)).json()) as { otlp?: { grpc?: string } };
    const endpoint = `OTEL_EXPORTER_OTLP_ENDPOINT=${health.otlp?.grpc ?? 'http://127.0.0.1:4317'}`;
    await expect.poll(() => empty.textContent()).toContain(endpoint);
    const text = (await empty.textContent()) ?? '';
    expect(text).toContain('node --import @sightline/node/register app.js');
    expect(text).toContain('OTEL_SERVICE_NAME=');
    await screenshot(page, 'empty-services');
    sent = await sendTelemetry(backend.otlpHttp);
    // No reload: the 5 s auto-refresh picks the services up.
    await expect
      .poll(() => page.getByRole('table', { name: 'Services' }).getByRole('link').allTextContents(), {
        timeout: 15_000,
      })
      .toEqual(['checkout', 'inventory']);
  });

  it('moves between table rows with the arrow keys and opens one with Enter', async () => {
    const table = page.getByRole('table', { name: 'Services' });
    await table.locator('tbody tr').first().focus();
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('inventory');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname === '/services/inventory');
    expect(new URL(page.url()).searchParams.get('refresh')).toBe('5s');
  });

  it('selects log rows with the keyboard and opens the selected log’s trace with Enter', async () => {
    await page.goto(`${backend.url}/logs?severity=error`);
    const grid = page.getByRole('grid', { name: 'Logs' });
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe('1');
    await grid.focus();
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Log detail' }).textContent())
      .toContain('reserve failed');
    await page.keyboard.press('Enter');
    await page.waitForURL((u) => u.pathname.startsWith('/traces/'));
    await expect.poll(() => page.locator('.wf-row').count()).toBe(sent.parents.size);
  });

  it('shows new logs at the top while live tail is on', async () => {
    await page.goto(`${backend.url}/logs?tail=1`);
    const rows = page.locator('.log-row');
    await expect.poll(() => rows.count()).toBe(5);
    // Give the SSE connection a moment to be established before sending.
    await page.waitForTimeout(300);
    const body = `tailed line ${Date.now()}`;
    await sendLog(backend.otlpHttp, 'tail-test', body);
    await expect.poll(() => rows.first().locator('.body').textContent(), { timeout: 10_000 }).toBe(body);
    expect(await page.locator('.log-status').textContent()).toContain('live');
    await screenshot(page, 'logs-live-tail');
  });
});
