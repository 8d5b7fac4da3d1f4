import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, test } from 'vitest';
import { testerPageLink } from '../../src/feed/api-paths.js';
import type { LoadedConfig } from '../../src/feed/config.js';
import { publish } from '../../src/publish/publish.js';
import type { RunningServer } from '../../src/server/node-server.js';
import { LocalStore } from '../../src/store/local/store.js';
import { decodeQr, openPage, PHONE } from '../helpers/browser.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { makeUser, serve } from '../helpers/server.js';

/**
 * The tester page in real headless Chromium, against `updateforge serve` on a local feed:
 * what a tester without the companion app does, on a laptop or on the phone in their hand.
 */

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const HOSTILE_NAME = '<script>alert("name")</script>';
const HOSTILE_NOTES = 'Fixed the crash.\n<img src=x onerror=alert("notes")><script>alert("notes")</script>';

const CONFIG = {
  teams: [
    { id: 'acme', name: 'Acme Mobile' },
    { id: 'globex', name: 'Globex QA' },
  ],
  apps: [
    { id: 'rocket', team: 'acme', title: 'Rocket Tracker', packageName: 'com.acme.rocket', icon: 'icons/rocket.png' },
    { id: 'comet', team: 'acme', title: 'Comet', packageName: 'com.acme.comet' },
    { id: 'anvil', team: 'acme', title: 'Anvil Notes', packageName: 'com.acme.anvil' },
    { id: 'gadget', team: 'globex', title: 'Gadget Hub', packageName: 'com.globex.gadget' },
  ],
};

const builds = {
  first: Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7) % 251)),
  second: Buffer.from(Array.from({ length: 60_000 }, (_, i) => (i * 13) % 251)),
  debug: Buffer.from('debug build'),
  ipa: Buffer.from(Array.from({ length: 5_000 }, (_, i) => i % 199)),
};

let server: RunningServer;
let config: LoadedConfig;
const ids: Record<string, string> = {};

beforeAll(async () => {
  config = await writeConfig(CONFIG);
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const at = (iso: string) => () => new Date(iso);
  const put = async (key: string, request: Parameters<typeof publish>[0]['request'], when: string) => {
    const { version } = await publish({ store, config, request, now: at(when) });
    ids[key] = version.id;
  };
  await put(
    'first',
    { app: 'rocket', buildType: 'release', version: '1.0.0', name: 'First', notes: 'The first build.', path: await writeBuild(builds.first, 'rocket-1.0.0.apk') },
    '2026-11-02T09:00:00Z',
  );
  await put(
    'second',
    { app: 'rocket', buildType: 'release', version: '1.1.0', name: HOSTILE_NAME, notes: HOSTILE_NOTES, path: await writeBuild(builds.second, 'rocket-1.1.0.apk') },
    '2026-11-20T09:00:00Z',
  );
  await put('pending', { app: 'rocket', buildType: 'release', version: '1.2.0', name: 'Next sprint' }, '2026-11-25T09:00:00Z');
  await put('debug', { app: 'rocket', buildType: 'debug', version: '1.1.1', path: await writeBuild(builds.debug, 'rocket-debug.apk') }, '2026-11-21T09:00:00Z');
  await put('ipa', { app: 'comet', buildType: 'release', version: '2.0.0', name: 'Spring', path: await writeBuild(builds.ipa, 'Comet.ipa') }, '2026-11-22T09:00:00Z');
  const users = [await makeUser('alice', 'alice@example.com', ['acme']), await makeUser('nobody', 'nobody@example.com', [])];
  server = await serve({ store, users });
});

async function logIn(page: Page, email = 'alice@example.com', password = 'correct horse'): Promise<void> {
  await page.goto(server.url);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
}

/** The value of a JavaScript expression in the page (written as text: the tests' types know no DOM). */
const inPage = <T = unknown>(page: Page, expression: string) => page.evaluate(expression) as Promise<T>;

/** The version row of `id` on the page. */
const versionRow = (page: Page, id: string) => page.locator(`[data-version-id="${id}"]`);

/** Clicks Install on a version and waits for its install panel. */
async function openInstall(page: Page, id: string) {
  const row = versionRow(page, id);
  await row.getByRole('button', { name: /^Install / }).click();
  const panel = row.locator('.install');
  await panel.waitFor();
  return panel;
}

describe('the tester page', () => {
  test('logs in and shows exactly the teams and apps of the tester, current and pending versions, written as text', async () => {
    const { page, problems } = await openPage();
    await logIn(page);
    await expect.poll(() => page.getByRole('heading', { level: 2 }).allTextContents()).toEqual(['Your apps', 'Acme Mobile']);
    expect(await page.getByRole('heading', { level: 3 }).allTextContents()).toEqual(['Rocket Tracker', 'Comet', 'Anvil Notes']);
    await expect.poll(() => page.locator('[data-app="anvil"]').textContent()).toContain('No builds yet.');

    const rocket = page.locator('[data-app="rocket"]');
    const current = rocket.locator('[data-build-type="release"] .version.current');
    await expect.poll(() => current.textContent()).toContain('Fixed the crash.');
    // The name and notes are shown as the characters they are, never as markup.
    expect(await current.locator('.number').textContent()).toBe(`1.1.0 · ${HOSTILE_NAME}`);
    expect(await current.locator('.notes').textContent()).toBe(HOSTILE_NOTES);
    expect(await page.locator('main script, main img[src="x"]').count()).toBe(0);
    expect(await current.locator('.facts').textContent()).toBe('Nov 20, 2026 · 60 KB · 0 downloads');
    expect(await rocket.locator('[data-build-type="release"] .pending').textContent()).toBe('In progress 1.2.0 · Next sprint');
    expect(await rocket.locator('[data-build-type="debug"] .version.current .number').textContent()).toBe('1.1.1');
    expect(problems).toEqual([]);
  });

  test('installs the current build: the downloaded bytes are the build, and the link is the one in the QR code', async () => {
    const { page, problems } = await openPage();
    await logIn(page);
    const panel = await openInstall(page, ids['second']!);
    const link = panel.getByRole('link', { name: 'Download rocket-1.1.0.apk (60 KB)' });
    const href = await link.getAttribute('href');
    expect(href).toMatch(new RegExp(`^${server.url}/api/v1/versions/${ids['second']}/download\\?token=`));

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('rocket-1.1.0.apk');
    expect(sha256(await readFile((await download.path()) ?? ''))).toBe(sha256(builds.second));

    // A phone scanning the code gets the same link, and it works without a login.
    expect(await decodeQr(page)).toBe(href);
    const scanned = await fetch(href ?? '');
    expect(scanned.headers.get('content-type')).toBe('application/vnd.android.package-archive');
    expect(sha256(Buffer.from(await scanned.arrayBuffer()))).toBe(sha256(builds.second));
    expect(await panel.locator('.expiry').textContent()).toMatch(/^This link works until \d{1,2}:\d{2} (AM|PM)\.$/);
    expect(problems).toEqual([]);
  });

  test('an earlier version of the same build type, on demand', async () => {
    const { page } = await openPage();
    await logIn(page);
    const toggle = page.locator('[data-app="rocket"] [data-build-type="release"]').getByRole('button', { name: 'Earlier versions (1)' });
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const panel = await openInstall(page, ids['first']!);
    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('link', { name: /^Download rocket-1\.0\.0\.apk/ }).click()]);
    expect(sha256(await readFile((await download.path()) ?? ''))).toBe(sha256(builds.first));

    // The next visit counts that download (the test server holds counts for no time; a deployment, minutes).
    await page.reload();
    await toggle.click();
    expect(await versionRow(page, ids['first']!).locator('.facts').textContent()).toBe('Nov 2, 2026 · 40 KB · 1 download');
  });

  test("a link to one version (the action's install-url) opens on that version, after the login if need be", async () => {
    const { page, problems } = await openPage();
    await page.goto(testerPageLink(server.url, ids['first']!));
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    const row = versionRow(page, ids['first']!);
    await row.and(page.locator('.linked')).waitFor();
    expect(await row.getAttribute('aria-current')).toBe('true');
    expect(await row.isVisible()).toBe(true); // among the earlier versions, which the link opened
    expect(await inPage(page, 'document.activeElement?.getAttribute("aria-label")')).toBe('Install Rocket Tracker 1.0.0');

    await page.goto(testerPageLink(server.url, 'no-such-version'));
    await page.reload();
    await page.getByText('The version this link points to is not among your apps').waitFor();
    expect(await page.locator('.version.linked').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  test('an iOS build is installed over the air from its manifest, and the page says that needs HTTPS', async () => {
    const { page } = await openPage();
    await logIn(page);
    const panel = await openInstall(page, ids['ipa']!);
    const install = panel.getByRole('link', { name: 'Install on this iPhone or iPad' });
    const href = new URL((await install.getAttribute('href')) ?? '');
    expect(`${href.protocol}${href.search.split('&')[0]}`).toBe('itms-services:?action=download-manifest');
    expect(await panel.locator('.warning').textContent()).toContain('needs this page to be served over HTTPS');
    const manifest = await fetch(href.searchParams.get('url') ?? '');
    expect(manifest.status).toBe(200);
    const plist = await manifest.text();
    expect(plist).toContain('<string>com.acme.comet</string>');
    const ipaUrl = /<key>url<\/key>\s*<string>([^<]+)<\/string>/.exec(plist)?.[1]?.replace(/&amp;/g, '&');
    expect(sha256(Buffer.from(await (await fetch(ipaUrl ?? '')).arrayBuffer()))).toBe(sha256(builds.ipa));
  });

  test('a wrong password is said so, and the tester stays on the form', async () => {
    const { page } = await openPage();
    await logIn(page, 'alice@example.com', 'wrong horse');
    await expect.poll(() => page.locator('#login-message').textContent()).toBe('Wrong email or password.');
    expect(await page.locator('#apps-view').isHidden()).toBe(true);
    expect(await page.getByRole('button', { name: 'Log out' }).isVisible()).toBe(false);
  });

  test('the session survives a reload; logging out ends it', async () => {
    const { page } = await openPage();
    await logIn(page);
    await page.locator('[data-app="rocket"]').waitFor();
    await page.reload();
    await page.locator('[data-app="rocket"]').waitFor();
    expect(await page.locator('#who').textContent()).toBe('alice@example.com');
    await page.getByRole('button', { name: 'Log out' }).click();
    expect(await page.locator('#login-message').textContent()).toBe('You are logged out.');
    await page.reload();
    await page.getByLabel('Email').waitFor();
    expect(await page.locator('#apps-view').isHidden()).toBe(true);
  });

  test('a 401 from any call sends the tester back to the login form, saying why', async () => {
    const { page, context } = await openPage();
    await logIn(page);
    await page.locator('[data-app="rocket"]').waitFor();
    // The token stops working (a changed password, a rotated secret): the next call gets a 401.
    await context.route('**/api/v1/versions/*/link', (route) => route.fulfill({ status: 401, contentType: 'application/json', body: '{"error":"unauthorized"}' }));
    await versionRow(page, ids['second']!)
      .getByRole('button', { name: /^Install / })
      .click();
    await expect.poll(() => page.locator('#login-message').textContent()).toBe('Your session has ended. Log in again to see your builds.');
    expect(await inPage(page, "localStorage.getItem('updateforge.session')")).toBeNull();
  });

  test('a link that has expired is refused', async () => {
    const { page } = await openPage();
    await logIn(page);
    const panel = await openInstall(page, ids['second']!);
    const href = new URL((await panel.getByRole('link', { name: /^Download / }).getAttribute('href')) ?? '');
    // The same link with a token whose `exp` has passed: signed with the deployment's secret, 1 s of life.
    const { TokenService } = await import('../../src/server/tokens.js');
    const { SECRET } = await import('../helpers/server.js');
    const expired = await new TokenService(SECRET).issueDownloadToken(ids['second']!, 1);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    href.searchParams.set('token', expired);
    const answer = await page.evaluate(async (url) => {
      const response = await fetch(url);
      return { status: response.status, body: await response.text() };
    }, href.toString());
    expect(answer).toEqual({ status: 401, body: '{"error":"unauthorized"}' });
  });

  test('a tester in no team is told so, not shown a blank page', async () => {
    const { page } = await openPage();
    await logIn(page, 'nobody@example.com');
    await expect.poll(() => page.locator('#apps').textContent()).toContain('You are in no team yet');
  });

  test('on a 360 px phone: nothing scrolls sideways, and a build installs from there', async () => {
    const { page, problems } = await openPage(PHONE);
    await logIn(page);
    await page.locator('[data-app="rocket"] .version.current .notes').first().waitFor();
    expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const panel = await openInstall(page, ids['second']!);
    const link = panel.getByRole('link', { name: /^Download rocket-1\.1\.0\.apk/ });
    const box = await link.boundingBox();
    expect(box && box.x >= 0 && box.x + box.width <= PHONE.width).toBe(true);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(sha256(await readFile((await download.path()) ?? ''))).toBe(sha256(builds.second));
    expect(await inPage<number>(page, 'document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    expect(problems).toEqual([]);
  });

  test('works from the keyboard: labelled fields, Enter logs in, focus moves to the list', async () => {
    const { page } = await openPage();
    await page.goto(server.url);
    await expect.poll(() => inPage(page, 'document.activeElement?.id')).toBe('email');
    await page.keyboard.type('alice@example.com');
    await page.keyboard.press('Tab');
    await page.keyboard.type('correct horse');
    await page.keyboard.press('Enter');
    await expect.poll(() => inPage(page, 'document.activeElement?.id')).toBe('apps-heading');
    // Every control has an accessible name: no button or link is announced as just "button".
    const unnamed = await inPage<number>(
      page,
      "[...document.querySelectorAll('button, a, input')].filter((e) => !(e.getAttribute('aria-label') ?? e.textContent ?? '').trim() && !e.labels?.length).length",
    );
    expect(unnamed).toBe(0);
  });

  test('the page comes with a Content-Security-Policy that forbids inline scripts, and needs nothing else', async () => {
    const page = await fetch(server.url);
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    const html = await page.text();
    // No inline script, and nothing from another origin.
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
    for (const asset of ['/app.js', '/app.css']) expect((await fetch(`${server.url}${asset}`)).status).toBe(200);
  });
});
