import { describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { seedReleases } from '../fake-github/seed.js';
import { writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

/** Publishes one new version into a repository that already has `existing` releases, and counts the API requests. */
async function countPublish(existing: number) {
  const repo = github.newRepo();
  seedReleases(github.fake().repos.get(repo.toLowerCase())!, { app: 'rocket', count: existing });
  const config = await writeConfig();
  const build = await writeBuild('new build');
  const request = { app: 'rocket', buildType: 'release', version: '9.0.0', path: build };
  let since = github.fake().requests.length;
  await publish({ store: githubStore(github.fake(), repo), config, request });
  const first = github.fake().countRequests(since);
  since = github.fake().requests.length;
  await publish({ store: githubStore(github.fake(), repo), config, request });
  return { first, again: github.fake().countRequests(since) };
}

describe('API requests a publish makes', () => {
  test.each([1, 100, 250])('with %i existing releases: pages of 100, nothing per release', async (existing) => {
    const { first, again } = await countPublish(existing);
    const pages = Math.ceil((existing + 1) / 100);
    // Listing three times (look for a draft of the version before and again under the version's
    // lease, then rebuild the manifest), plus a fixed handful: two look-ups by tag, the lease
    // (create, delete), release, upload, publish, icon and manifest, and the first time the feed
    // branch (4 calls).
    expect(first.byOperation['repos/list-releases']).toBeLessThanOrEqual(3 * pages);
    expect(first.byOperation['repos/get-release-by-tag']).toBe(2);
    expect(first.total - (first.byOperation['repos/list-releases'] ?? 0)).toBeLessThanOrEqual(16);
    expect(first.byOperation['repos/create-or-update-file-contents']).toBeGreaterThanOrEqual(2);
    expect(first.byOperation['repos/delete-file']).toBe(1);
    // A re-run writes nothing, not even a lease: its release found by tag, one listing (the manifest
    // check) and two reads.
    expect(again.byOperation).toEqual({ 'repos/get-release-by-tag': 1, 'repos/list-releases': pages, 'repos/get-content': 2 });
  });
});
