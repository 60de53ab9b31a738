// `sightline up --token`: the UI asks for the token after a 401, then sends it on every API request and the tail.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureUiBuilt, launchBrowser, type RunningBackend, skipReason, startBackend } from './harness';
import { sendLog } from './telemetry';

const TOKEN = 's3cret-token';
const reason = await skipReason();
if (reason) console.warn(`skipped: UI with --token — ${reason}`);

describe.skipIf(reason !== '')('Sightline UI against a backend started with --token', () => {
  let backend: RunningBackend;
  let browser: Browser;
  let page: Page;
  const apiAuth: string[] = [];

  beforeAll(async () => {
    ensureUiBuilt();
    backend = await startBackend({ token: TOKEN });
    browser = await launchBrowser();
    page = await browser.newPage();
    // The server serves the UI's static files without the token (a page load cannot carry it); record what the
    // UI sends on its API requests.
    await page.route(`${backend.url}/api/**`, async (route) => {
      apiAuth.push(route.request().headers().authorization ?? '');
      return route.continue();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await backend?.stop();
  });

  it('asks for the token after a 401 and then loads the data with it', async () => {
    await page.goto(`${backend.url}/logs`);
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('SIGHTLINE_ERR_UNAUTHORIZED');
    await page.getByLabel(/Token/).fill(TOKEN);
    await page.getByRole('button', { name: 'Use token' }).click();
    await expect.poll(() => page.getByRole('status').textContent()).toContain('No logs yet');
    expect(apiAuth.at(-1)).toBe(`Bearer ${TOKEN}`);
  });

  it('takes the token from the #token= fragment and drops it from the address bar', async () => {
    const fresh = await browser.newPage();
    await fresh.goto(`${backend.url}/services#token=${TOKEN}`);
    await expect.poll(() => fresh.getByRole('status').textContent()).toContain('No services yet');
    expect(fresh.url()).not.toContain('token');
    await fresh.close();
  });

  it('streams the live tail with the token', async () => {
    await page.goto(`${backend.url}/logs?tail=1`);
    await page.waitForTimeout(500);
    await sendLog(backend.otlpHttp, 'secured', 'tail with token', TOKEN);
    await expect
      .poll(() => page.locator('.log-row .body').first().textContent(), { timeout: 10_000 })
      .toBe('tail with token');
  });
});
