import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { ReleaseListCapped } from '../../src/store/errors.js';
import { seedReleases } from '../fake-github/seed.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

describe("GitHub's limits on releases", () => {
  test('a listing past the first 1,000 releases stops there and hands over those 1,000, without asking for the page GitHub refuses', async () => {
    const repo = github.newRepo();
    seedReleases(github.fake().repos.get(repo.toLowerCase())!, { app: 'rocket', count: 1001 });
    const since = github.fake().requests.length;
    const error = await githubStore(github.fake(), repo)
      .listReleases()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseListCapped);
    expect((error as ReleaseListCapped).listed).toHaveLength(1000);
    expect((error as Error).message).toMatch(/GitHub lists only the newest 1000 releases of acme\/feed-\w+, and it has more/);
    expect(
      github
        .fake()
        .requests.slice(since)
        .map((r) => r.status),
    ).toEqual(Array(10).fill(200));
  });

  test('exactly 1,000 releases are all listed', async () => {
    const repo = github.newRepo();
    seedReleases(github.fake().repos.get(repo.toLowerCase())!, { app: 'rocket', count: 1000 });
    await expect(githubStore(github.fake(), repo).listReleases()).resolves.toHaveLength(1000);
  });

  test('a file of 2 GiB or more is refused before a byte is sent', async () => {
    const store = githubStore(github.fake(), github.newRepo());
    const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
    const since = github.fake().requests.length;
    const upload = store.uploadAsset(release, { name: 'big.apk', label: 'big.apk', contentType: 'application/octet-stream', size: 2 * 1024 ** 3, open: () => Readable.from([]) });
    await expect(upload).rejects.toThrow("'big.apk' is 2147483648 bytes; GitHub takes release assets only under 2 GiB");
    expect(github.fake().requests.length).toBe(since);
  });

  test('an upload GitHub refuses for another reason than the name is not reported as a name clash, nor retried', async () => {
    const store = githubStore(github.fake(), github.newRepo());
    const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
    // A release holds at most 1,000 assets (docs.github.com "About releases"); GitHub's wording of that refusal is not documented.
    github.fake().inject({
      operationId: 'repos/upload-release-asset',
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'ReleaseAsset', code: 'custom', message: 'too many assets' }],
        documentation_url: 'https://docs.github.com/rest',
        status: '422',
      },
    });
    const since = github.fake().requests.length;
    const upload = store.uploadAsset(release, { name: 'a.apk', label: 'a.apk', contentType: 'application/octet-stream', size: 3, open: () => Readable.from([Buffer.from('abc')]) });
    await expect(upload).rejects.toThrow(/Could not upload 'a\.apk' on acme\/feed-\w+: GitHub answered 422 Validation Failed/);
    expect(github.fake().countRequests(since).byOperation['repos/upload-release-asset']).toBe(1);
  });
});
