import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, onTestFinished, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { createServerContext } from '../../src/server/create-context.js';
import { startServer } from '../../src/server/node-server.js';
import { silentLogger } from '../../src/util/logger.js';
import { writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';
import { addBlob, addCommit } from '../fake-github/model.js';
import { manualClock } from '../helpers/clock.js';
import { makeUser, SECRET } from '../helpers/server.js';

/**
 * What serving a private feed costs GitHub's rate limit, and what the server does when the
 * budget is gone, over loopback against the fake GitHub (whose budget, ETags and signed links
 * are GitHub's, see test/fake-github/rate-limit.ts).
 */
const github = useFakeGitHub();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const apk = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251));

/** A read token of its own (with `limit` requests an hour), so that no test spends another's budget. */
function readToken(limit?: number): string {
  const token = `ghs_serve_${randomBytes(6).toString('hex')}`;
  github.fake().tokens.set(token, 'read');
  if (limit !== undefined) github.fake().rateLimit.setLimit(token, limit);
  return token;
}

/** A private feed with one published APK, served from GitHub with `token`, and alice logged in. */
async function feedServer(options: { token: string; manifestMaxAgeMs?: number }) {
  const repo = github.newRepo({ private: true });
  const published = await publish({
    store: githubStore(github.fake(), repo),
    config: await writeConfig(),
    request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild(apk) },
  });
  const context = createServerContext({
    store: githubStore(github.fake(), repo, { token: options.token, patience: 'serve' }),
    users: [await makeUser('alice', 'alice@example.com', ['acme'])],
    jwtSecret: SECRET,
    log: silentLogger,
    manifestMaxAgeMs: options.manifestMaxAgeMs ?? 0,
    devicePolls: { burst: 1000, perMinute: 1000 },
  });
  const server = await startServer({ context });
  onTestFinished(() => server.close());
  const login = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) });
  const { token: bearer } = (await login.json()) as { token: string };
  const auth = { authorization: `Bearer ${bearer}` };
  return { repo, server, auth, version: published.version, download: `${server.url}/api/v1/versions/${published.version.id}/download` };
}

/** Spends what is left of `token`'s budget with requests of its own. */
async function spendBudget(token: string, repo: string): Promise<void> {
  while (github.fake().rateLimit.status(token).remaining > 0) await fetch(`${github.fake().url}/repos/${repo}/releases`, { headers: { authorization: `token ${token}` } });
}

const timed = async <T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> => {
  const started = performance.now();
  const value = await work();
  return { value, ms: performance.now() - started };
};

describe('re-checking the manifest', () => {
  test('100 device polls and tester requests on an unchanged private feed cost the first read and nothing after', async () => {
    const token = readToken();
    const { server, auth } = await feedServer({ token });
    for (let i = 0; i < 100; i++) {
      const answer =
        i % 2 === 0
          ? await fetch(`${server.url}/api/v1/apps`, { headers: auth })
          : await fetch(`${server.url}/api/v1/updates`, { method: 'POST', body: JSON.stringify({ app_id: 'com.acme.rocket', device_id: `device-${i}`, version_name: 'builtin' }) });
      expect(answer.status).toBe(200);
    }
    // The first read: the branch's sha, then the manifest at that commit; every re-check after it is a free 304.
    expect(github.fake().rateLimit.consumed(token)).toBe(2);
  });

  test('a manifest that cannot be read is asked for once per re-check interval, not once per request', async () => {
    const token = readToken();
    const { repo, server, auth } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    // Damaged on the branch before this instance ever read it.
    const fakeRepo = github.fake().repos.get(repo.toLowerCase())!;
    const head = fakeRepo.commits.get(fakeRepo.refs.get('refs/heads/updateforge')!)!;
    const files = new Map(head.files).set('manifest.json', addBlob(fakeRepo, Buffer.from('{"schemaVersion": 1, "tea')));
    fakeRepo.refs.set('refs/heads/updateforge', addCommit(fakeRepo, { parents: [head.sha], message: 'damaged', files }).sha);
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push((await fetch(`${server.url}/api/v1/apps`, { headers: auth })).status);
    expect(answers).toEqual(Array(30).fill(503));
    // One try: the branch's sha and the file at it; the 29 requests after it get the same answer until the next re-check is due.
    expect(github.fake().rateLimit.consumed(token)).toBe(2);
  });

  test('an instance asked for a version another instance has just offered looks again instead of answering 404', async () => {
    const token = readToken();
    const { repo, server: first, auth } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    const clock = manualClock();
    const second = await startServer({
      context: createServerContext({
        store: githubStore(github.fake(), repo, { token, patience: 'serve' }),
        users: [await makeUser('alice', 'alice@example.com', ['acme'])],
        jwtSecret: SECRET,
        log: silentLogger,
        manifestMaxAgeMs: 60_000,
        now: clock.now,
      }),
    });
    onTestFinished(() => second.close());
    // Both instances hold the feed of 1.0.0 for the next minute.
    for (const url of [first.url, second.url]) expect((await fetch(`${url}/api/v1/apps`, { headers: auth })).status).toBe(200);
    const newer = await publish({
      store: githubStore(github.fake(), repo),
      config: await writeConfig(),
      request: { app: 'rocket', buildType: 'release', version: '1.1.0', path: await writeBuild(Buffer.from('newer')) },
    });
    // A device or tester told of 1.1.0 by a fresh instance reaches one that has not re-checked yet
    // (and not within the last second either, which is how often an unknown id may make it look).
    clock.advance(1100);
    const download = await fetch(`${second.url}/api/v1/versions/${newer.version.id}/download`, { headers: auth });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('newer');
    // An id that is nowhere stays a 404, and asking again within the second costs GitHub nothing more.
    const spent = github.fake().rateLimit.consumed(token);
    for (let i = 0; i < 5; i++) expect((await fetch(`${second.url}/api/v1/versions/999999/download`, { headers: auth })).status).toBe(404);
    expect(github.fake().rateLimit.consumed(token)).toBe(spent);
  });

  test('a new version is seen within the re-check interval, for two more requests', async () => {
    const token = readToken();
    const { repo, server, auth } = await feedServer({ token, manifestMaxAgeMs: 300 });
    const current = async () =>
      ((await (await fetch(`${server.url}/api/v1/apps`, { headers: auth })).json()) as { teams: { apps: { release: { current: { version: string } } }[] }[] }).teams[0]!.apps[0]!
        .release.current.version;
    expect(await current()).toBe('1.0.0');
    await publish({
      store: githubStore(github.fake(), repo),
      config: await writeConfig(),
      request: { app: 'rocket', buildType: 'release', version: '1.1.0', path: await writeBuild(Buffer.from('newer')) },
    });
    const spent = github.fake().rateLimit.consumed(token);
    const published = performance.now();
    await expect.poll(current, { interval: 50, timeout: 5000 }).toBe('1.1.0');
    // Within the interval, give or take the time a loaded machine takes to answer.
    expect(performance.now() - published).toBeLessThan(300 + 700);
    expect(github.fake().rateLimit.consumed(token) - spent).toBe(2);
  });
});

describe('downloads', () => {
  test('50 downloads and Range requests of one asset, 10 at a time, cost one API call: the signed link is kept', async () => {
    const token = readToken();
    const { server, auth, download } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    expect((await fetch(`${server.url}/api/v1/apps`, { headers: auth })).status).toBe(200);
    const since = github.fake().requests.length;
    const spent = github.fake().rateLimit.consumed(token);
    const signed = github.fake().signedDownloads;
    for (let batch = 0; batch < 5; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, async (_, i) => {
          const start = (batch * 10 + i) * 1000;
          const ranged = i % 2 === 1;
          const answer = await fetch(download, { headers: { ...auth, ...(ranged ? { range: `bytes=${start}-${start + 999}` } : {}) } });
          const bytes = Buffer.from(await answer.arrayBuffer());
          if (ranged) expect(bytes.equals(apk.subarray(start, start + 1000))).toBe(true);
          else expect(sha256(bytes)).toBe(sha256(apk));
        }),
      );
    }
    expect(github.fake().countRequests(since).byOperation).toEqual({ 'repos/get-release-asset': 1 });
    expect(github.fake().rateLimit.consumed(token) - spent).toBe(1);
    expect(github.fake().signedDownloads - signed).toBe(50);
  });

  test('a link is replaced once its expiry has passed, without first being refused', async () => {
    const token = readToken();
    const { download, auth } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    const fake = github.fake();
    const lifetime = fake.signedUrlLifetimeMs;
    fake.signedUrlLifetimeMs = 1500;
    onTestFinished(() => void (fake.signedUrlLifetimeMs = lifetime));
    const since = fake.requests.length;
    const refused = fake.refusedSignedDownloads;
    expect((await fetch(download, { headers: auth })).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const again = await fetch(download, { headers: auth });
    expect(again.status).toBe(200);
    expect(sha256(Buffer.from(await again.arrayBuffer()))).toBe(sha256(apk));
    expect(fake.countRequests(since).byOperation['repos/get-release-asset']).toBe(2);
    expect(fake.refusedSignedDownloads - refused).toBe(0);
  });

  test('a kept link the host refuses before its expiry is dropped, and one fresh link serves the download', async () => {
    const token = readToken();
    const { download, auth } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    const fake = github.fake();
    const since = fake.requests.length;
    expect((await fetch(download, { headers: auth })).status).toBe(200);
    fake.revokeSignedUrls();
    const after = await fetch(download, { headers: auth, ...{} });
    expect(after.status).toBe(200);
    expect(sha256(Buffer.from(await after.arrayBuffer()))).toBe(sha256(apk));
    expect(fake.countRequests(since).byOperation['repos/get-release-asset']).toBe(2);
  });

  test('an HTML page the signed host sends with 200 is never passed on: 503 with Retry-After', async () => {
    const token = readToken();
    const { download, auth } = await feedServer({ token });
    github.fake().signedHostFault = 'html';
    onTestFinished(() => void (github.fake().signedHostFault = null));
    const answer = await fetch(download, { headers: auth });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await answer.json()).toEqual({ error: 'feed unavailable' });
  });

  test('a 206 whose content-range is not the range asked for is never passed on: 503 with Retry-After', async () => {
    const token = readToken();
    const { download, auth } = await feedServer({ token });
    github.fake().signedHostFault = 'wrong-range';
    onTestFinished(() => void (github.fake().signedHostFault = null));
    const answer = await fetch(download, { headers: { ...auth, range: 'bytes=1000-1999' } });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('retry-after')).toBe('5');
    expect(await answer.json()).toEqual({ error: 'feed unavailable' });
  });
});

describe('an exhausted rate limit', () => {
  test('the first manifest read: 503 at once with GitHub’s wait as Retry-After, and GitHub is not asked again meanwhile', async () => {
    const token = readToken(10);
    const repo = github.newRepo({ private: true });
    const context = createServerContext({
      store: githubStore(github.fake(), repo, { token, patience: 'serve' }),
      users: [],
      jwtSecret: SECRET,
      log: silentLogger,
      manifestMaxAgeMs: 0,
    });
    const server = await startServer({ context });
    onTestFinished(() => server.close());
    await spendBudget(token, repo);
    const check = () => fetch(`${server.url}/api/v1/updates`, { method: 'POST', body: JSON.stringify({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin' }) });

    const { value: answer, ms } = await timed(check);
    expect(answer.status).toBe(503);
    expect(ms).toBeLessThan(1000);
    const wait = Number(answer.headers.get('retry-after'));
    const reset = (github.fake().rateLimit.status(token).resetAt - Date.now()) / 1000;
    expect(wait).toBeGreaterThan(reset - 5);
    expect(wait).toBeLessThanOrEqual(reset + 2);

    const asked = github.fake().requests.length;
    const { value: again, ms: againMs } = await timed(check);
    expect(again.status).toBe(503);
    expect(againMs).toBeLessThan(1000);
    expect(github.fake().requests.length).toBe(asked);
  });

  test('a download: 503 at once with Retry-After, while the cached manifest keeps answering', async () => {
    const token = readToken(2);
    const { repo, server, auth, download } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    expect((await fetch(`${server.url}/api/v1/apps`, { headers: auth })).status).toBe(200);
    await spendBudget(token, repo);

    const { value: answer, ms } = await timed(() => fetch(download, { headers: auth }));
    expect(answer.status).toBe(503);
    expect(ms).toBeLessThan(1000);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(await answer.json()).toEqual({ error: 'feed unavailable' });
    expect((await fetch(`${server.url}/api/v1/apps`, { headers: auth })).status).toBe(200);
  });

  test('a secondary rate limit: 503 at once with GitHub’s retry-after, where publishing would wait it out', async () => {
    const token = readToken();
    const { download, auth } = await feedServer({ token, manifestMaxAgeMs: 60_000 });
    github.fake().inject({
      operationId: 'repos/get-release-asset',
      status: 403,
      headers: { 'retry-after': '30' },
      body: {
        message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      },
    });
    const { value: answer, ms } = await timed(() => fetch(download, { headers: auth }));
    expect(answer.status).toBe(503);
    expect(ms).toBeLessThan(1000);
    expect(answer.headers.get('retry-after')).toBe('30');
  });
});
