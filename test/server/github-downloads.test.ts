import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { jsonLogger } from '../../src/util/logger.js';
import { READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { publishGitHubFeed, startGitHubFeedServer, type GitHubFeedServerOptions } from '../helpers/github-feed.js';

/**
 * Downloads of a feed kept on GitHub: passed on from GitHub or redirected to its signed URL,
 * and what testers get when GitHub fails, stalls, or the tester stops. (Reading the manifest:
 * github-feed-reads.test.ts.)
 */

const github = useFakeGitHub();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A new private feed with one release (a web bundle, or `apk` as a file). */
async function newFeed(options: { apk?: Buffer } = {}) {
  const repo = github.newRepo({ private: true });
  return { repo, bundle: await publishGitHubFeed(github.fake(), repo, options) };
}

describe('downloads from a feed on GitHub', () => {
  // Feeds only ever read, so shared by the tests that want the same one; each test starts its own server.
  let webFeed: { repo: string; bundle: VersionRecord };
  beforeAll(async () => {
    webFeed = await newFeed();
  });
  const feedServer = async (options: GitHubFeedServerOptions & { feed?: { repo: string; bundle: VersionRecord } } = {}) => {
    const { repo, bundle } = options.feed ?? webFeed;
    return { ...(await startGitHubFeedServer(github.fake(), repo, options)), bundle };
  };

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
    const { server, token, bundle } = await feedServer({ feed: await newFeed({ apk: Buffer.alloc(64 * 1024 * 1024, 9) }) });
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

  describe('a download GitHub stops sending', () => {
    const apk = Buffer.from(Array.from({ length: 1024 * 1024 }, (_, i) => (i * 7) % 253));
    let apkFeed: { repo: string; bundle: VersionRecord };
    beforeAll(async () => {
      apkFeed = await newFeed({ apk });
    });

    test.each([
      ['redirects to a signed URL', false],
      ['serves the bytes itself', true],
    ])('ends, and the tester resumes it (GitHub %s)', async (_, direct) => {
      const { server, token, bundle: version } = await feedServer({ feed: apkFeed, idleTimeoutMs: 200 });
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
