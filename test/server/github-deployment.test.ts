import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { createServerContext } from '../../src/server/create-context.js';
import { contextFromEnv } from '../../src/server/env-context.js';
import { startServer } from '../../src/server/node-server.js';
import { jsonLogger, silentLogger, type Logger } from '../../src/util/logger.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { CONFIG } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';
import { makeUser, SECRET } from '../helpers/server.js';

const github = useFakeGitHub();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The variables a Vercel deployment of this feed would have. */
async function deploymentEnv(repo: string, extra: Record<string, string> = {}) {
  const users = [await makeUser('alice', 'alice@example.com', ['acme'])];
  return {
    UPDATEFORGE_REPO: repo,
    UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
    UPDATEFORGE_GITHUB_API_URL: github.fake().url,
    UPDATEFORGE_USERS: JSON.stringify(users),
    UPDATEFORGE_JWT_SECRET: SECRET,
    ...extra,
  };
}

describe('the API on a feed the action published to a private GitHub repository', () => {
  let repo: string;
  const apk = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251));

  beforeAll(async () => {
    repo = github.newRepo({ private: true });
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app-release.apk', apk);
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app-release.apk', name: 'First' }, env: { GITHUB_REF: 'refs/tags/v1.0.0' } });
    expect(run.code, run.stdout).toBe(0);
  });

  test.each([
    ['redirects to a signed URL', false],
    ['serves the bytes itself, ignoring Range', true],
  ])('called as Vercel calls the route files: log in, list apps, download whole and in part (GitHub %s)', async (_, direct) => {
    github.fake().assetsServedDirectly = direct;
    onTestFinished(() => void (github.fake().assetsServedDirectly = false));
    Object.assign(process.env, await deploymentEnv(repo));
    const { POST: auth } = await import('../../api/v1/auth.js');
    const { GET: apps } = await import('../../api/v1/apps.js');
    const { GET: download } = await import('../../api/v1/versions/[id]/download.js');
    const base = 'https://updateforge-demo.vercel.app';

    const login = await auth(new Request(`${base}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) }));
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const listed = await apps(new Request(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } }));
    const body = (await listed.json()) as { teams: { apps: { release: { current: { id: string; version: string; name: string } } }[] }[] };
    const current = body.teams[0]!.apps[0]!.release.current;
    expect(current).toMatchObject({ version: '1.0.0', name: 'First' });

    const url = `${base}/api/v1/versions/${current.id}/download`;
    const whole = await download(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename=app-release.apk');
    expect(whole.headers.get('content-length')).toBe(String(apk.length));
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(apk));
    const part = await download(new Request(url, { headers: { authorization: `Bearer ${token}`, range: 'bytes=1000-1999' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${apk.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(apk.subarray(1000, 2000))).toBe(true);
    const beyond = await download(new Request(url, { headers: { authorization: `Bearer ${token}`, range: `bytes=${apk.length}-` } }));
    expect(beyond.status).toBe(416);
  });

  test('on a Node host (`serve --github`), the same over loopback', async () => {
    const server = await startServer({ context: contextFromEnv(await deploymentEnv(repo), silentLogger) });
    try {
      const login = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) });
      expect(login.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe('reading the feed from GitHub', () => {
  /** A private feed with one release (a web bundle, or `apk` as a file), served from GitHub, and alice logged in. */
  async function feedServer(
    options: {
      manifestMaxAgeMs?: number;
      downloads?: 'proxy' | 'redirect';
      recheckWaitMs?: number;
      responseTimeoutMs?: number;
      idleTimeoutMs?: number;
      log?: Logger;
      apk?: Buffer;
    } = {},
  ) {
    const repo = github.newRepo({ private: true });
    const publishing = githubStore(github.fake(), repo);
    const { publish } = await import('../../src/publish/publish.js');
    const { writeBuild, writeConfig } = await import('../helpers/fixtures.js');
    const config = await writeConfig();
    const build = options.apk ? await writeBuild(options.apk) : await webBuild('on github');
    const bundle = await publish({ store: publishing, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: build } });
    const users = [await makeUser('alice', 'alice@example.com', ['acme'])];
    const { responseTimeoutMs, idleTimeoutMs } = options;
    const context = createServerContext({
      store: githubStore(github.fake(), repo, {
        token: READ_TOKEN,
        patience: 'serve',
        ...(responseTimeoutMs === undefined ? {} : { responseTimeoutMs }),
        ...(idleTimeoutMs === undefined ? {} : { idleTimeoutMs }),
      }),
      users,
      jwtSecret: SECRET,
      log: options.log ?? silentLogger,
      manifestMaxAgeMs: options.manifestMaxAgeMs ?? 0,
      ...(options.recheckWaitMs === undefined ? {} : { manifestRecheckWaitMs: options.recheckWaitMs }),
      downloads: options.downloads ?? 'proxy',
      devicePolls: { burst: 100, perMinute: 100 },
    });
    const server = await startServer({ context });
    const login = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) });
    const { token } = (await login.json()) as { token: string };
    return { server, token, bundle: bundle.version };
  }

  test('N requests on an unchanged private feed: one read, then re-checks of the branch’s commit sha that GitHub answers 304 and does not count', async () => {
    const { server, token } = await feedServer();
    try {
      const since = github.fake().requests.length;
      const spent = github.fake().rateLimit.consumed(READ_TOKEN);
      for (let i = 0; i < 10; i++) expect((await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
      const requests = github.fake().requests.slice(since);
      // The manifest's own answer would not do: a private file's ETag changes on every read.
      expect(requests.map((r) => `${r.operationId} ${r.status}`)).toEqual(['repos/get-commit 200', 'repos/get-content 200', ...Array<string>(9).fill('repos/get-commit 304')]);
      expect(github.fake().rateLimit.consumed(READ_TOKEN) - spent).toBe(2);
    } finally {
      await server.close();
    }
  });

  test('HEAD on a download is answered from the manifest, without asking GitHub for the asset', async () => {
    const { server, token, bundle } = await feedServer();
    try {
      const since = github.fake().requests.length;
      const head = await fetch(`${server.url}/api/v1/versions/${bundle.id}/download`, { method: 'HEAD', headers: { authorization: `Bearer ${token}`, range: 'bytes=0-9' } });
      expect(head.status).toBe(206);
      expect(head.headers.get('content-range')).toBe(`bytes 0-9/${bundle.file!.size}`);
      expect(head.headers.get('etag')).toBe(`"${bundle.file!.sha256}"`);
      expect(
        github
          .fake()
          .requests.slice(since)
          .map((r) => r.operationId),
      ).not.toContain('repos/get-release-asset');
    } finally {
      await server.close();
    }
  });

  test('GitHub down after the first read: the last good manifest keeps serving, marked stale', async () => {
    const { server, token } = await feedServer();
    try {
      const first = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } });
      const good = await first.json();
      github.fake().inject({ operationId: 'repos/get-commit', status: 503, times: 50 });
      const during = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } });
      expect(during.status).toBe(200);
      expect(during.headers.get('x-updateforge-stale')).toBe('1');
      expect(await during.json()).toEqual(good);
      // Devices are answered from it too, and told so.
      const check = await fetch(`${server.url}/api/v1/updates`, { method: 'POST', body: JSON.stringify({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin' }) });
      expect(check.headers.get('x-updateforge-stale')).toBe('1');
      expect(await check.json()).toMatchObject({ version: '1.0.0' });
    } finally {
      github.fake().faults.length = 0;
      await server.close();
    }
  });

  test('GitHub slow after the first read: testers get the last good manifest without waiting on it', async () => {
    const { server, token } = await feedServer({ recheckWaitMs: 50 });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      const good = await (await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).json();
      github.fake().inject({ operationId: 'repos/get-commit', holdUntil: held });
      // GitHub answers only once `held` is released, after these checks.
      const during = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } });
      expect(during.status).toBe(200);
      expect(during.headers.get('x-updateforge-stale')).toBe('1');
      expect(await during.json()).toEqual(good);
    } finally {
      release();
      await server.close();
    }
  });

  test('GitHub failing or silent during a download: 503 feed unavailable, soon, and the log says why without the token', async () => {
    const lines: string[] = [];
    const { server, token, bundle } = await feedServer({ responseTimeoutMs: 100, log: jsonLogger((line) => lines.push(line)) });
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    try {
      const url = `${server.url}/api/v1/versions/${bundle.id}/download`;
      github.fake().inject({ operationId: 'repos/get-release-asset', status: 502, times: 2 });
      const failing = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(failing.status).toBe(503);
      expect(failing.headers.get('retry-after')).toBe('5');
      expect(await failing.json()).toEqual({ error: 'feed unavailable' });

      github.fake().inject({ operationId: 'repos/get-release-asset', holdUntil: held, times: 2 });
      const silent = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(silent.status).toBe(503);
      expect(await silent.json()).toEqual({ error: 'feed unavailable' });

      const whole = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(bundle.file!.sha256);
    } finally {
      release();
      await server.close();
    }
    const warnings = lines.map((line) => JSON.parse(line) as { event: string; message: string }).filter((l) => l.event === 'store unavailable');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(/Could not download an asset on acme\/feed-\w+: GitHub answered 502 Server Error/),
      expect.stringMatching(/Could not download an asset on acme\/feed-\w+: GitHub could not be reached \(GitHub did not answer within 0.1 s\)/),
    ]);
    expect(lines.join('')).not.toContain(READ_TOKEN);
  });

  test('a tester who stops a download stops the download from GitHub too', async () => {
    const { server, token, bundle } = await feedServer({ apk: Buffer.alloc(64 * 1024 * 1024, 9) });
    try {
      const before = github.fake().abortedDownloads;
      const controller = new AbortController();
      const res = await fetch(`${server.url}/api/v1/versions/${bundle.id}/download`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await expect.poll(() => github.fake().abortedDownloads, { timeout: 5000 }).toBe(before + 1);
    } finally {
      await server.close();
    }
  });

  test.each([
    ['redirects to a signed URL', false],
    ['serves the bytes itself', true],
  ])('a download GitHub stops sending ends, and the tester resumes it (GitHub %s)', async (_, direct) => {
    const apk = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) % 253));
    const { server, token, bundle: version } = await feedServer({ apk, idleTimeoutMs: 200 });
    github.fake().assetsServedDirectly = direct;
    github.fake().stallDownloadsAfter = 256 * 1024;
    onTestFinished(() => {
      github.fake().assetsServedDirectly = false;
      github.fake().stallDownloadsAfter = null;
    });
    try {
      const url = `${server.url}/api/v1/versions/${version.id}/download`;
      const before = github.fake().abortedDownloads;
      const stalled = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(stalled.status).toBe(200);
      const received: Buffer[] = [];
      const reader = stalled.body!.getReader();
      await expect(
        (async () => {
          for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) received.push(Buffer.from(chunk.value));
        })(),
      ).rejects.toThrow();
      const have = Buffer.concat(received);
      expect(have.length).toBeLessThan(apk.length);
      expect(have.equals(apk.subarray(0, have.length))).toBe(true);
      // The server gave up on GitHub too, rather than holding its request open.
      await expect.poll(() => github.fake().abortedDownloads, { timeout: 5000 }).toBe(before + 1);

      github.fake().stallDownloadsAfter = null;
      const rest = await fetch(url, { headers: { authorization: `Bearer ${token}`, range: `bytes=${have.length}-` } });
      expect(rest.status).toBe(206);
      expect(Buffer.concat([have, Buffer.from(await rest.arrayBuffer())]).equals(apk)).toBe(true);
    } finally {
      await server.close();
    }
  });

  test('device links can redirect to GitHub’s signed URL, which serves the bytes without our credentials', async () => {
    const { server, bundle } = await feedServer({ downloads: 'redirect' });
    try {
      const check = await fetch(`${server.url}/api/v1/updates`, { method: 'POST', body: JSON.stringify({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin' }) });
      const { url } = (await check.json()) as { url: string };
      const hop = await fetch(url, { redirect: 'manual' });
      expect(hop.status).toBe(302);
      const signed = hop.headers.get('location')!;
      expect(signed).toMatch(/\/_signed\//);
      const bytes = Buffer.from(await (await fetch(signed)).arrayBuffer());
      expect(sha256(bytes)).toBe(bundle.file!.sha256);
      const part = await fetch(signed, { headers: { range: 'bytes=0-1' } });
      expect(await part.text()).toBe('PK');
    } finally {
      await server.close();
    }
  });
});
