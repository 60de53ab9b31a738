// Hostile strings in telemetry render as literal text: no element is created from them and no script runs.
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
import { type SentTelemetry, sendTelemetry, XSS_IMG, XSS_SCRIPT } from './telemetry';

const reason = await skipReason();
if (reason) console.warn(`skipped: UI escaping — ${reason}`);

describe.skipIf(reason !== '')('Sightline UI escapes telemetry', () => {
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;
  let sent: SentTelemetry;
  const dialogs: string[] = [];

  beforeAll(async () => {
    ensureUiBuilt();
    backend = await startBackend();
    sent = await sendTelemetry(backend.otlpHttp);
    await waitForApi<{ logs: unknown[] }>(`${backend.url}/api/logs?traceId=${sent.traceId}`, (b) => b.logs.length >= 4);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  // Everything the app renders lives under #app; index.html's own bootstrap scripts are outside it.
  const injected = (p: Page) =>
    p.evaluate(() => ({
      imgs: document.querySelectorAll('#app img').length,
      scripts: document.querySelectorAll('#app script').length,
    }));

  it('shows a log body holding <img onerror> and <script> as text, in the list and the detail view', async () => {
    await page.goto(`${backend.url}/logs?severity=error`);
    const row = page.locator('.log-row', { hasText: 'reserve failed' });
    await expect.poll(() => row.locator('.body').textContent()).toBe(`reserve failed for ${XSS_IMG} ${XSS_SCRIPT}`);
    await row.click();
    const detail = page.getByRole('complementary', { name: 'Log detail' });
    await expect
      .poll(() => detail.locator('pre.body').textContent())
      .toBe(`reserve failed for ${XSS_IMG} ${XSS_SCRIPT}`);
    expect(await injected(page)).toEqual({ imgs: 0, scripts: 0 });
    await screenshot(page, 'xss-log');
    expect(dialogs).toEqual([]);
  });

  it('shows a span attribute holding <img onerror> and <script> as text in the span detail', async () => {
    const root = [...sent.parents].find(([, parent]) => parent === '')?.[0];
    await page.goto(`${backend.url}/traces/${sent.traceId}?span=${root}`);
    const attrs = page.getByRole('complementary', { name: 'Span detail' }).getByRole('table', { name: 'Attributes' });
    await expect
      .poll(() => attrs.locator('tr', { hasText: 'xss.attr' }).locator('td').textContent())
      .toBe(`${XSS_IMG} ${XSS_SCRIPT}`);
    // A hostile span name in the waterfall and the detail heading.
    const row = page.locator('.wf-row', { hasText: 'render <img' });
    expect(await row.locator('.span-name').textContent()).toBe(`render ${XSS_IMG}`);
    await row.click();
    await expect
      .poll(() => page.getByRole('complementary', { name: 'Span detail' }).locator('h2').textContent())
      .toBe(`render ${XSS_IMG}`);
    expect(await injected(page)).toEqual({ imgs: 0, scripts: 0 });
    // Give an onerror handler time to fire had an element been created.
    await page.waitForTimeout(300);
    expect(dialogs).toEqual([]);
    await screenshot(page, 'xss-span');
  });
});
