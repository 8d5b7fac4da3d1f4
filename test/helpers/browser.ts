import { existsSync } from 'node:fs';
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`apt-get install chromium`, as .ci/run does): never a browser downloaded by Playwright. */
export const CHROMIUM = '/usr/bin/chromium';

let browser: Promise<Browser> | null = null;

/** One headless Chromium per test file, closed when the file is done. */
export function useBrowser(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install Debian's (apt-get install chromium), as .ci/run does.`);
  browser ??= chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  return browser;
}

afterAll(async () => {
  if (browser) await (await browser).close();
  browser = null;
});

export const PHONE = { width: 360, height: 740 } as const;
export const DESKTOP = { width: 1280, height: 860 } as const;

/**
 * A fresh browser profile (its own storage) at `viewport`, in a fixed locale and time zone so
 * dates read the same on every machine. Fails the test on any dialog (an `alert` a note smuggled
 * in) and collects console errors (a Content-Security-Policy violation is one).
 */
export async function openPage(viewport: { width: number; height: number } = DESKTOP): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  const context = await (await useBrowser()).newContext({ viewport, locale: 'en-US', timezoneId: 'UTC', acceptDownloads: true, isMobile: viewport.width < 500 });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    // A 401 or 404 the page asked for on purpose is logged by Chromium as a failed load; anything else is a problem.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  return { context, page, problems };
}

/** Reads the QR code of the open install panel back to its text, from a screenshot of it, as a phone camera would. */
export async function decodeQr(page: Page): Promise<string | null> {
  const image = PNG.sync.read(await page.locator('.install .qr').screenshot());
  // jsqr is CommonJS: under NodeNext its default import is the module, whose `default` is the decoder.
  return jsqr.default(new Uint8ClampedArray(image.data), image.width, image.height)?.data ?? null;
}
