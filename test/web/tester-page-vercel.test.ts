import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { decodeQr, openPage } from '../helpers/browser.js';
import { writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { makeUser, SECRET } from '../helpers/server.js';
import { startVercelHost } from '../helpers/vercel-host.js';

/**
 * The tester page as a Vercel deployment serves it: web/ as static files with vercel.json's
 * headers, and the route files' functions over a feed in a private GitHub repository.
 */

const github = useFakeGitHub();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const apk = Buffer.from(Array.from({ length: 120_000 }, (_, i) => (i * 17) % 251));
let host: Awaited<ReturnType<typeof startVercelHost>>;
let versionId: string;

beforeAll(async () => {
  const repo = github.newRepo({ private: true });
  const config = await writeConfig();
  const published = await publish({
    store: githubStore(github.fake(), repo),
    config,
    request: { app: 'rocket', buildType: 'release', version: '3.0.0', path: await writeBuild(apk, 'rocket.apk') },
  });
  versionId = published.version.id;
  // What the deployment's environment variables would be; api/_vercel.ts reads them at the first request.
  Object.assign(process.env, {
    UPDATEFORGE_REPO: repo,
    UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
    UPDATEFORGE_GITHUB_API_URL: github.fake().url,
    UPDATEFORGE_USERS: JSON.stringify([await makeUser('alice', 'alice@example.com', ['acme'])]),
    UPDATEFORGE_JWT_SECRET: SECRET,
  });
  host = await startVercelHost();
});

afterAll(() => host.close());

test('on Vercel: log in, see the apps, install a build from its link and from its QR code', async () => {
  const { page, problems } = await openPage();
  expect((await fetch(host.url)).headers.get('content-security-policy')).toContain("script-src 'self'");
  await page.goto(host.url);
  await page.getByLabel('Email').fill('alice@example.com');
  await page.getByLabel('Password').fill('correct horse');
  await page.getByRole('button', { name: 'Log in' }).click();
  const row = page.locator(`[data-version-id="${versionId}"]`);
  await row.getByRole('button', { name: 'Install Rocket 3.0.0' }).click();
  const link = row.getByRole('link', { name: /^Download rocket\.apk/ });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  expect(sha256(await readFile((await download.path()) ?? ''))).toBe(sha256(apk));
  const scanned = await decodeQr(page);
  expect(scanned).toBe(await link.getAttribute('href'));
  expect(sha256(Buffer.from(await (await fetch(scanned ?? '')).arrayBuffer()))).toBe(sha256(apk));
  expect(problems).toEqual([]);
});
