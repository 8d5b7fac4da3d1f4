import path from 'node:path';
import { describe, expect, onTestFinished, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { createServerContext, DOWNLOAD_COUNTS_MAX_AGE_MS } from '../../src/server/create-context.js';
import { startServer } from '../../src/server/node-server.js';
import { LocalStore } from '../../src/store/local/store.js';
import { silentLogger, type Logger } from '../../src/util/logger.js';
import { openPage } from '../helpers/browser.js';
import { runCli } from '../helpers/cli.js';
import { manualClock } from '../helpers/clock.js';
import { withFaults } from '../helpers/faulty-store.js';
import { bytes, startFeedServer } from '../helpers/feed-server.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { login, makeUser, SECRET, serve } from '../helpers/server.js';

/**
 * Download counts per version, from each store's own count, in `GET /api/v1/apps/{app}/versions` (our
 * route, not WEB_API.md's) and in `updateforge status` (run the built CLI: `npm run build` first).
 */

const github = useFakeGitHub();

type Listed = { id: string; version: string; downloads: number | null };
type Versions = Record<'release' | 'debug' | 'profile', Listed[]>;

async function versionsOf(base: string, app: string, token: string): Promise<Versions> {
  const res = await fetch(`${base}/api/v1/apps/${app}/versions`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return (await res.json()) as Versions;
}

/** The downloads of each listed version, by version number. */
const countsOf = (listed: readonly Listed[]) => Object.fromEntries(listed.map((v) => [v.version, v.downloads]));

/** `updateforge status --json`'s current release of rocket. */
type Status = { teams: { apps: { id: string; buildTypes: Record<string, { current: { version: string; downloads: number | null } | null }> }[] }[] };
const rocketRelease = (json: string) => (JSON.parse(json) as Status).teams[0]!.apps.find((a) => a.id === 'rocket')!.buildTypes['release']!.current;

describe('the local store counts its own downloads', () => {
  test('a full download counts once, resuming it with a Range request does not count again, and the count reaches the page’s route and status', async () => {
    const feed = await startFeedServer();
    const token = await login(feed.url, 'alice@example.com');
    const download = (headers: Record<string, string> = {}, method = 'GET') =>
      fetch(`${feed.url}/api/v1/versions/${feed.versions.rocket110.id}/download`, { method, headers: { authorization: `Bearer ${token}`, ...headers } });

    // A download cut short after 40,000 bytes, then resumed from there: one download.
    const first = await download();
    expect(first.status).toBe(200);
    const reader = first.body!.getReader();
    let received = 0;
    while (received < 40_000) received += (await reader.read()).value?.byteLength ?? Number.POSITIVE_INFINITY;
    await reader.cancel();
    const rest = await download({ range: `bytes=${received}-` });
    expect(rest.status).toBe(206);
    expect(Buffer.from(await rest.arrayBuffer()).equals(feed.rocketBytes.subarray(received))).toBe(true);
    // A download manager's HEAD fetches no bytes.
    expect((await download({}, 'HEAD')).status).toBe(200);

    expect(countsOf((await versionsOf(feed.url, 'rocket', token)).release)).toEqual({ '1.2.0': null, '1.1.0': 1, '1.0.0': 0 });

    // A client that always asks for a range starts a new download with `bytes=0-`: that counts.
    const again = await download({ range: 'bytes=0-' });
    expect(again.status).toBe(206);
    expect(Buffer.from(await again.arrayBuffer()).equals(feed.rocketBytes)).toBe(true);
    expect(countsOf((await versionsOf(feed.url, 'rocket', token)).release)).toEqual({ '1.2.0': null, '1.1.0': 2, '1.0.0': 0 });

    const json = await runCli(['status', '--store', feed.store.location, '--config', feed.config.path, '--json']);
    expect(json.code, json.stderr).toBe(0);
    expect(rocketRelease(json.stdout)).toMatchObject({ version: '1.1.0', downloads: 2 });
    const text = await runCli(['status', '--store', feed.store.location, '--config', feed.config.path]);
    expect(text.stdout).toMatch(/^ {4}release {2}current {2}1\.1\.0 .* {2}binary {2}2 downloads$/m);
    expect(text.stdout).toMatch(/^ {4}debug {4}current {2}1\.3\.0 .* {2}binary {2}0 downloads$/m);
  });

  test('a store whose counts cannot be read still answers the page, with downloads: null', async () => {
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const config = await writeConfig();
    await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild(bytes(300), 'rocket.apk') } });
    const warnings: string[] = [];
    const log: Logger = { ...silentLogger, warn: (event) => void warnings.push(event) };
    const broken = withFaults(store, { downloadCounts: () => Promise.reject(new Error('EIO: i/o error, stat')) });
    const server = await serve({ store: broken, users: [await makeUser('alice', 'alice@example.com', ['acme'])], log });
    const token = await login(server.url, 'alice@example.com');

    expect(countsOf((await versionsOf(server.url, 'rocket', token)).release)).toEqual({ '1.0.0': null });
    expect(warnings).toContain('download counts unavailable');

    // The tester page then shows the version without a count, and nothing else goes wrong.
    const { page, problems } = await openPage();
    await page.goto(server.url);
    await page.getByLabel('Email').fill('alice@example.com');
    await page.getByLabel('Password').fill('correct horse');
    await page.getByRole('button', { name: 'Log in' }).click();
    const facts = page.locator('[data-app="rocket"] .version.current .facts');
    // The size comes with the same answer as the count would: once it shows, the answer is in.
    await expect.poll(() => facts.textContent()).toMatch(/ · 300 bytes$/);
    expect(problems).toEqual([]);
  });
});

describe('a feed on GitHub shows GitHub’s own download_count', () => {
  const githubEnv = (): NodeJS.ProcessEnv => ({
    UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
    UPDATEFORGE_GITHUB_API_URL: github.fake().url,
    UPDATEFORGE_GITHUB_PACING_MS: '0',
    UPDATEFORGE_GITHUB_RETRY_MS: '5',
  });

  test('the count GitHub reports for an asset reaches the versions route and `status --json`', async () => {
    const repo = github.newRepo({ private: true });
    const feed = await startFeedServer({ backend: { name: 'github', fake: github.fake, repo } });
    const token = await login(feed.url, 'alice@example.com');
    // What GitHub reports (OAS `release-asset.download_count`); see test/fake-github/model.ts on why the fake never adds to it itself.
    const assets = github.fake().repos.get(repo.toLowerCase())!.assets;
    assets.get(Number(feed.versions.rocket110.file!.assetId))!.downloadCount = 42;
    assets.get(Number(feed.versions.rocket100.file!.assetId))!.downloadCount = 1;

    expect(countsOf((await versionsOf(feed.url, 'rocket', token)).release)).toEqual({ '1.2.0': null, '1.1.0': 42, '1.0.0': 1 });

    const json = await runCli(['status', '--github', repo, '--config', feed.config.path, '--json'], { env: githubEnv() });
    expect(json.code, json.stderr).toBe(0);
    expect(rocketRelease(json.stdout)).toMatchObject({ version: '1.1.0', downloads: 42 });
    const text = await runCli(['status', '--github', repo, '--config', feed.config.path], { env: githubEnv() });
    expect(text.stdout).toMatch(/^ {4}release {2}current {2}1\.1\.0 .* {2}binary {2}42 downloads$/m);
  });

  test('the server lists releases for counts once per five minutes however many page views, and shows counts that old', async () => {
    const fake = github.fake();
    const repo = github.newRepo({ private: true });
    const config = await writeConfig();
    const { version } = await publish({
      store: githubStore(fake, repo),
      config,
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild(bytes(500), 'rocket.apk') },
    });
    const asset = fake.repos.get(repo.toLowerCase())!.assets.get(Number(version.file!.assetId))!;
    asset.downloadCount = 5;
    const clock = manualClock(Date.now());
    const context = createServerContext({
      store: githubStore(fake, repo, { token: READ_TOKEN }),
      users: [await makeUser('alice', 'alice@example.com', ['acme'])],
      jwtSecret: SECRET,
      log: silentLogger,
      now: clock.now,
    });
    const server = await startServer({ context });
    onTestFinished(() => server.close());
    const token = await login(server.url, 'alice@example.com');
    const since = fake.requests.length;
    const listings = () => fake.countRequests(since).byOperation['repos/list-releases'] ?? 0;

    for (let i = 0; i < 10; i++) expect(countsOf((await versionsOf(server.url, 'rocket', token)).release)).toEqual({ '1.0.0': 5 });
    expect(listings()).toBe(1);

    // GitHub counts more; the page shows the held count until it is five minutes old.
    asset.downloadCount = 9;
    clock.advance(DOWNLOAD_COUNTS_MAX_AGE_MS - 1000);
    expect(countsOf((await versionsOf(server.url, 'rocket', token)).release)).toEqual({ '1.0.0': 5 });
    clock.advance(1000);
    expect(countsOf((await versionsOf(server.url, 'rocket', token)).release)).toEqual({ '1.0.0': 9 });
    expect(listings()).toBe(2);
  });
});
