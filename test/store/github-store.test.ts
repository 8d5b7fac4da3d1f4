import { describe, expect, test } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { createGitHubClient } from '../../src/store/github/client.js';
import { openGitHubStore } from '../../src/store/open-store.js';
import { silentLogger } from '../../src/util/logger.js';
import { seedReleases } from '../fake-github/seed.js';
import { githubStore, READ_TOKEN, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { describeStoreContract, readAll, upload } from './store-contract.js';

const github = useFakeGitHub();

describeStoreContract('GitHub store', async () => githubStore(github.fake(), github.newRepo()));

// What a deployment runs: the store whose GitHub client is imported at its first call (src/store/open-store.ts).
describeStoreContract('GitHub store opened by openGitHubStore', async () =>
  openGitHubStore(
    { kind: 'github', repo: github.newRepo(), token: WRITE_TOKEN, apiUrl: github.fake().url, patience: 'serve', retryBaseMs: 5, pacingMs: 0 },
    { branch: 'updateforge', log: silentLogger },
  ),
);

describe('openGitHubStore', () => {
  test('a repository name that is no owner/name is refused at once, before any request; a good one costs none until used', async () => {
    const options = { branch: 'updateforge', log: silentLogger };
    const before = github.fake().requests.length;
    expect(() => openGitHubStore({ kind: 'github', repo: 'not-a-repo', token: WRITE_TOKEN, apiUrl: github.fake().url, patience: 'serve' }, options)).toThrow(
      /Expected {owner}\/{repo}/,
    );
    const store = openGitHubStore({ kind: 'github', repo: github.newRepo(), token: WRITE_TOKEN, apiUrl: github.fake().url, patience: 'serve', pacingMs: 0 }, options);
    expect(github.fake().requests.length).toBe(before);
    expect(await store.listReleases()).toEqual([]);
  });
});

describe('GitHub store specifics', () => {
  test('creates the manifest branch as an orphan branch on first write', async () => {
    const repo = github.newRepo();
    const store = githubStore(github.fake(), repo);
    await store.writeBranchFile('manifest.json', Buffer.from('{}'), { expectedSha: null, message: 'm' });
    const fake = github.fake().repos.get(repo.toLowerCase())!;
    const head = fake.commits.get(fake.refs.get('refs/heads/updateforge')!)!;
    const first = fake.commits.get(head.parents[0]!)!;
    expect(first.parents).toEqual([]);
    expect([...first.files.keys()]).toEqual(['README.md']);
    expect(fake.refs.get('refs/heads/main')).toBeDefined();
  });

  test('refuses an empty repository with a clear message', async () => {
    const store = githubStore(github.fake(), github.newRepo({ empty: true }));
    await expect(store.writeBranchFile('manifest.json', Buffer.from('{}'), { expectedSha: null, message: 'm' })).rejects.toThrow(/is an empty repository\. Push a first commit/);
  });

  test('a read-only token is told which permission it lacks', async () => {
    const store = githubStore(github.fake(), github.newRepo(), { token: READ_TOKEN });
    const error = await store.createRelease({ tag: 't', name: '', body: '', draft: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect((error as Error).message).toMatch(/add `permissions: contents: write`/);
    expect((error as Error).message).not.toContain(READ_TOKEN);
  });

  test('a repository the token cannot see is named in the error', async () => {
    const store = githubStore(github.fake(), 'acme/does-not-exist');
    await expect(store.listReleases()).rejects.toThrow('Could not list releases: acme/does-not-exist was not found, or the token cannot see it.');
  });

  test('lists releases 100 per page', async () => {
    const repo = github.newRepo();
    // Straight into the fake's state: 230 releases made through the API would take seconds.
    seedReleases(github.fake().repos.get(repo.toLowerCase())!, { app: 'rocket', count: 230 });
    const store = githubStore(github.fake(), repo);
    const before = github.fake().requests.length;
    expect(await store.listReleases()).toHaveLength(230);
    expect(github.fake().countRequests(before).byOperation).toEqual({ 'repos/list-releases': 3 });
  });

  test('a manifest over 1 MB is read through the blob API', async () => {
    const store = githubStore(github.fake(), github.newRepo());
    const big = Buffer.alloc(1_500_000, 'x');
    const { sha } = await store.writeBranchFile('manifest.json', big, { expectedSha: null, message: 'm' });
    const read = await store.readBranchFile('manifest.json');
    if (read === null || read === 'not-modified') throw new Error('expected the file');
    expect(read.sha).toBe(sha);
    expect(Buffer.from(read.content).equals(big)).toBe(true);
  });

  test('an upload cut off half-way is cleaned up and sent again', async () => {
    const store = githubStore(github.fake(), github.newRepo());
    const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
    github.fake().inject({ operationId: 'repos/upload-release-asset', abortUploadAfter: 10 });
    const asset = await store.uploadAsset(release, upload('x'.repeat(5000)));
    expect(asset).toMatchObject({ state: 'uploaded', size: 5000 });
    expect(await readAll(await store.openAsset(asset.id))).toBe('x'.repeat(5000));
    expect((await store.findReleaseByTag('t'))?.assets).toHaveLength(1);
  });

  test('GitHub errors are retried; a secondary rate limit is waited out', async () => {
    const store = githubStore(github.fake(), github.newRepo());
    github.fake().inject({ operationId: 'repos/list-releases', status: 502, times: 2 });
    expect(await store.listReleases()).toEqual([]);
    github.fake().inject({
      operationId: 'repos/list-releases',
      status: 403,
      times: 1,
      headers: { 'retry-after': '0' },
      body: { message: 'You have exceeded a secondary rate limit.', documentation_url: 'https://docs.github.com' },
    });
    expect(await store.listReleases()).toEqual([]);
  });

  test('a retried call leaves no retry count behind to lengthen the next call’s waits', async () => {
    const client = createGitHubClient({ token: WRITE_TOKEN, apiUrl: github.fake().url, log: silentLogger, retryBaseMs: 1 });
    const [owner, repo] = github.newRepo().split('/') as [string, string];
    github.fake().inject({ operationId: 'repos/list-releases', status: 502, times: 2 });
    expect((await client.rest.repos.listReleases({ owner, repo })).data).toEqual([]);
    // The retry plugin counts attempts in the call's `request` options; Octokit's defaults hold the one every call starts from.
    expect(client.request.endpoint.DEFAULTS.request).not.toHaveProperty('retryCount');
  });
});
