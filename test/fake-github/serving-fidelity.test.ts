import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { githubStore, useFakeGitHub } from '../helpers/github.js';
import { upload } from '../store/store-contract.js';

/**
 * The fake GitHub's behaviours that decide what serving a feed costs, each as GitHub has them
 * (the sources are cited where the fake implements them): ETags of private and public files,
 * a branch head read by its sha, the primary rate limit, and the signed download links.
 */
const github = useFakeGitHub();

/** A token of its own, so that each test starts with a whole budget. */
function newToken(limit?: number): string {
  const token = `ghp_${randomBytes(8).toString('hex')}`;
  github.fake().tokens.set(token, 'read');
  if (limit !== undefined) github.fake().rateLimit.setLimit(token, limit);
  return token;
}

async function repoWithFile(options: { private: boolean }): Promise<string> {
  const repo = github.newRepo(options);
  await githubStore(github.fake(), repo).writeBranchFile('manifest.json', Buffer.from('{"v":1}'), { expectedSha: null, message: 'm' });
  return repo;
}

const api = (path: string, token: string | null, headers: Record<string, string> = {}) =>
  fetch(`${github.fake().url}${path}`, { headers: { ...(token ? { authorization: `token ${token}` } : {}), ...headers } });

describe('ETags', () => {
  test('a private file’s answer carries a fresh download token, so its ETag never matches again; a public file’s holds', async () => {
    const token = newToken();
    for (const [isPrivate, matches] of [
      [true, false],
      [false, true],
    ] as const) {
      const repo = await repoWithFile({ private: isPrivate });
      const path = `/repos/${repo}/contents/manifest.json?ref=updateforge`;
      const first = await api(path, token);
      const { download_url } = (await first.json()) as { download_url: string };
      expect(download_url.includes('?token=')).toBe(isPrivate);
      const again = await api(path, token, { 'if-none-match': first.headers.get('etag')! });
      expect(again.status).toBe(matches ? 304 : 200);
    }
  });

  test('a branch head read as its sha: the bare sha, quoted as its ETag, 304 until the branch moves', async () => {
    const repo = await repoWithFile({ private: true });
    const token = newToken();
    const path = `/repos/${repo}/commits/updateforge`;
    const first = await api(path, token, { accept: 'application/vnd.github.sha' });
    const sha = await first.text();
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(first.headers.get('etag')).toBe(`"${sha}"`);
    expect((await api(path, token, { accept: 'application/vnd.github.sha', 'if-none-match': `"${sha}"` })).status).toBe(304);

    const fake = github.fake().repos.get(repo.toLowerCase())!;
    await githubStore(github.fake(), repo).writeBranchFile('manifest.json', Buffer.from('{"v":2}'), {
      expectedSha: [...fake.commits.get(sha)!.files].find(([p]) => p === 'manifest.json')![1],
      message: 'm',
    });
    const moved = await api(path, token, { accept: 'application/vnd.github.sha', 'if-none-match': `"${sha}"` });
    expect(moved.status).toBe(200);
    expect(await moved.text()).toBe(fake.refs.get('refs/heads/updateforge'));
    expect((await api(`/repos/${repo}/commits/no-such-branch`, token, { accept: 'application/vnd.github.sha' })).status).toBe(422);
  });
});

describe('the primary rate limit', () => {
  test('every answer reports the budget; 304s cost nothing when authorised; signed downloads are not API calls', async () => {
    const repo = await repoWithFile({ private: true });
    const token = newToken(100);
    const path = `/repos/${repo}/commits/updateforge`;
    const first = await api(path, token, { accept: 'application/vnd.github.sha' });
    expect(first.headers.get('x-ratelimit-limit')).toBe('100');
    expect(first.headers.get('x-ratelimit-used')).toBe('1');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('99');
    const etag = first.headers.get('etag')!;
    for (let i = 0; i < 5; i++) expect((await api(path, token, { accept: 'application/vnd.github.sha', 'if-none-match': etag })).status).toBe(304);
    expect(github.fake().rateLimit.consumed(token)).toBe(1);

    const store = githubStore(github.fake(), repo, { token });
    const release = await githubStore(github.fake(), repo).createRelease({ tag: 't', name: '', body: '', draft: false });
    const asset = await githubStore(github.fake(), repo).uploadAsset(release, upload('abc'));
    const link = await store.assetLink(asset.id);
    const before = github.fake().rateLimit.consumed(token);
    for (let i = 0; i < 3; i++) expect(await (await fetch(link!)).text()).toBe('abc');
    expect(github.fake().rateLimit.consumed(token)).toBe(before);
  });

  test('a spent budget: 403, remaining 0, the reset time and GitHub’s message, for every request until the window resets', async () => {
    const repo = await repoWithFile({ private: true });
    const token = newToken(2);
    const fake = github.fake();
    const windowMs = fake.rateLimit.windowMs;
    fake.rateLimit.windowMs = 3000;
    try {
      const path = `/repos/${repo}/commits/updateforge`;
      const sha = await (await api(path, token, { accept: 'application/vnd.github.sha' })).text();
      expect((await api(`/repos/${repo}/contents/manifest.json?ref=${sha}`, token)).status).toBe(200);
      const refused = await api(path, token, { accept: 'application/vnd.github.sha', 'if-none-match': `"${sha}"` });
      expect(refused.status).toBe(403);
      expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
      expect(Number(refused.headers.get('x-ratelimit-reset'))).toBeGreaterThanOrEqual(Math.floor(Date.now() / 1000));
      expect(await refused.json()).toMatchObject({ message: expect.stringMatching(/^API rate limit exceeded for user ID \d+\.$/) });
      expect((await api(`/repos/${repo}/releases`, token)).status).toBe(403);

      await new Promise((resolve) => setTimeout(resolve, fake.rateLimit.status(token).resetAt - Date.now() + 50));
      const after = await api(path, token, { accept: 'application/vnd.github.sha', 'if-none-match': `"${sha}"` });
      expect(after.status).toBe(304);
      expect(after.headers.get('x-ratelimit-remaining')).toBe('2');
    } finally {
      fake.rateLimit.windowMs = windowMs;
    }
  });

  test('unauthenticated requests share the address’s 60 an hour, and even their 304s count', async () => {
    const repo = await repoWithFile({ private: false });
    const path = `/repos/${repo}/contents/manifest.json?ref=updateforge`;
    const before = github.fake().rateLimit.consumed(null);
    const first = await api(path, null);
    expect(first.headers.get('x-ratelimit-limit')).toBe('60');
    expect((await api(path, null, { 'if-none-match': first.headers.get('etag')! })).status).toBe(304);
    expect(github.fake().rateLimit.consumed(null)).toBe(before + 2);
  });
});

describe('signed download links', () => {
  test('carry their expiry in `se` as GitHub’s Azure links do, and are refused past it', async () => {
    const repo = github.newRepo();
    const store = githubStore(github.fake(), repo);
    const release = await store.createRelease({ tag: 't', name: '', body: '', draft: false });
    const asset = await store.uploadAsset(release, upload('abc'));
    const fake = github.fake();
    const lifetime = fake.signedUrlLifetimeMs;
    fake.signedUrlLifetimeMs = 1000;
    try {
      const link = new URL((await store.assetLink(asset.id))!);
      const expiry = Date.parse(link.searchParams.get('se')!);
      expect(expiry - Date.now()).toBeGreaterThan(0);
      expect(expiry - Date.now()).toBeLessThanOrEqual(1000);
      expect((await fetch(link)).status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, expiry - Date.now() + 50));
      const late = await fetch(link);
      expect(late.status).toBe(403);
      expect(await late.text()).toContain('<Code>AuthenticationFailed</Code>');
    } finally {
      fake.signedUrlLifetimeMs = lifetime;
    }
  });
});
