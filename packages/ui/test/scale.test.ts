// Large data through the real backend: the waterfall and the log list keep only the visible rows in the DOM,
// and the log list pages through the API's cursor as the user scrolls.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, launchBrowser, type RunningBackend, skipReason, startBackend, waitForApi } from './harness';
import { sendBigTrace } from './telemetry';

const SPANS = 2000;
const LOGS = 2600;

const reason = await skipReason();
if (reason) console.warn(`skipped: UI at scale — ${reason}`);

describe.skipIf(reason !== '')('Sightline UI with thousands of spans and logs', () => {
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;
  let traceId: string;

  beforeAll(async () => {
    ensureUiBuilt();
    backend = await startBackend();
    ({ traceId } = await sendBigTrace(backend.otlpHttp, SPANS, LOGS));
    await waitForApi<{ spanCount?: number; traces: { spanCount: number }[] }>(
      `${backend.url}/api/traces?service=bulk`,
      (b) => b.traces[0]?.spanCount === SPANS,
    );
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  it(`shows a ${SPANS}-span trace with only the visible rows in the DOM, and scrolls to the last span`, async () => {
    await page.goto(`${backend.url}/traces/${traceId}`);
    const grid = page.getByRole('grid', { name: 'Trace waterfall' });
    await expect.poll(() => grid.getAttribute('aria-rowcount'), { timeout: 15_000 }).toBe(String(SPANS));
    expect(await page.locator('.wf-row').count()).toBeLessThan(80);
    await grid.focus();
    await page.keyboard.press('End');
    await expect.poll(() => page.locator('.vrow.selected').getAttribute('aria-rowindex')).toBe(String(SPANS));
    await expect.poll(() => page.getByRole('complementary', { name: 'Span detail' }).isVisible()).toBe(true);
  });

  it(`loads all ${LOGS} logs page by page while scrolling, newest first`, async () => {
    await page.goto(`${backend.url}/logs?service=bulk`);
    const grid = page.getByRole('grid', { name: 'Logs' });
    await expect.poll(() => grid.getAttribute('aria-rowcount')).toBe('500');
    for (let i = 0; i < 20 && (await grid.getAttribute('aria-rowcount')) !== String(LOGS); i++) {
      await grid.evaluate((el) => {
        el.scrollTop = el.scrollHeight;
      });
      await page.waitForTimeout(150);
    }
    expect(await grid.getAttribute('aria-rowcount')).toBe(String(LOGS));
    expect(await page.locator('.log-row').count()).toBeLessThan(80);
    // Exactly LOGS rows: every page arrived once (rows are de-duplicated by id, so a repeated page would not add).
    // Newest first: the bottom rows are not newer than the first row loaded.
    const bottom = await page.locator('.log-row .time').allTextContents();
    await grid.evaluate((el) => {
      el.scrollTop = 0;
    });
    await expect.poll(() => page.locator('.vrow[aria-rowindex="1"] .time').count()).toBe(1);
    const top = (await page.locator('.vrow[aria-rowindex="1"] .time').textContent()) ?? '';
    for (const t of bottom) expect(t <= top).toBe(true);
  });
});
