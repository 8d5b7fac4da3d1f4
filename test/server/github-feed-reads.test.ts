import { beforeAll, describe, expect, test } from 'vitest';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { publishGitHubFeed, startGitHubFeedServer, type GitHubFeedServerOptions } from '../helpers/github-feed.js';

/**
 * How the API reads a feed from GitHub: what a request costs, and what testers and devices
 * get while GitHub is down or slow. (Downloads: github-downloads.test.ts.)
 */

const github = useFakeGitHub();

describe('reading the feed from GitHub', () => {
  // One private feed with one web bundle, only ever read; each test starts its own server, so its own manifest cache.
  let repo: string;
  let bundle: VersionRecord;
  beforeAll(async () => {
    repo = github.newRepo({ private: true });
    bundle = await publishGitHubFeed(github.fake(), repo);
  });
  const feedServer = (options: GitHubFeedServerOptions = {}) => startGitHubFeedServer(github.fake(), repo, options);

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
    const { server, token } = await feedServer();
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
});
