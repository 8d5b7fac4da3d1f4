import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, expect, test } from 'vitest';
import { DEMO_PASSWORD, demoPaths, demoUsers, seedDemo } from '../../src/demo/seed.js';
import type { RunningServer } from '../../src/server/node-server.js';
import { LocalStore } from '../../src/store/local/store.js';
import { parseUsers } from '../../src/users/users.js';
import { projectRoot } from '../../src/util/project-root.js';
import { DESKTOP, openPage, PHONE } from '../helpers/browser.js';
import { tempDir } from '../helpers/fixtures.js';
import { serve } from '../helpers/server.js';

/**
 * The README's screenshots of the tester page, taken on the demo feed (`npm start`) by every test
 * run so they never go stale. The feed and the server's clock are fixed, so the page reads the same
 * on every run; the files are rewritten only when what the page shows has changed, not for the
 * QR code alone (its link carries a fresh version id each time the demo is seeded).
 */

const SHOTS = path.join(projectRoot(), 'docs', 'screenshots');
const SEEDED_AT = Date.parse('2026-11-30T10:00:00Z');
let server: RunningServer;

beforeAll(async () => {
  const paths = demoPaths(path.join(await tempDir(), 'demo'));
  await seedDemo(paths, { now: SEEDED_AT });
  server = await serve({ store: await LocalStore.open(paths.store), users: parseUsers(await demoUsers(paths)), now: () => SEEDED_AT + 3_600_000 });
});

test.each([
  ['phone', PHONE],
  ['desktop', DESKTOP],
] as const)('a screenshot of the %s view, logged in as the demo user with a build ready to install', async (name, viewport) => {
  const { page, problems } = await openPage(viewport);
  await page.goto(server.url);
  await page.getByLabel('Email').fill('demo@updateforge.dev');
  await page.getByLabel('Password').fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  const rocket = page.locator('[data-app="rocket"] [data-build-type="release"] .version.current');
  await rocket.locator('.notes').waitFor();
  await rocket.getByRole('button', { name: /^Install / }).click();
  await rocket.locator('.install .qr').waitFor();

  // What the page shows, but for the QR code's pixels: its text, and the page's own files.
  const assets = await Promise.all(['index.html', 'app.css', 'app.js'].map((file) => readFile(path.join(projectRoot(), 'web', file))));
  const shown = createHash('sha256')
    .update(`${viewport.width}x${viewport.height}\n${await page.locator('body').innerText()}`)
    .update(Buffer.concat(assets))
    .digest('hex');
  const file = path.join(SHOTS, `tester-${name}.png`);
  const stamp = `${file}.sha256`;
  if ((await readFile(stamp, 'utf8').catch(() => '')).trim() !== shown) {
    await mkdir(SHOTS, { recursive: true });
    await writeFile(file, await page.screenshot({ fullPage: true }));
    await writeFile(stamp, `${shown}\n`);
  }
  const image = PNG.sync.read(await readFile(file));
  expect(image.width).toBe(viewport.width);
  expect(image.height).toBeGreaterThanOrEqual(viewport.height);
  expect(problems).toEqual([]);
});
