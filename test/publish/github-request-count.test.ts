import { describe, expect, test } from 'vitest';
import { setRollout, yankVersion } from '../../src/publish/edit-version.js';
import { publish } from '../../src/publish/publish.js';
import { readManifest } from '../helpers/feed.js';
import { writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';
import { seedFeed } from '../fake-github/seed.js';

const github = useFakeGitHub();

/**
 * Publishes a new bundle into a feed that already has `existing` releases, runs it again, rolls
 * it out and yanks it, counting GitHub API requests by operation for each step.
 */
async function countSteps(existing: number) {
  const repo = github.newRepo();
  const config = await writeConfig();
  seedFeed(github.fake().repos.get(repo.toLowerCase())!, { app: 'rocket', count: existing, config: config.config });
  const store = () => githubStore(github.fake(), repo);
  const target = { app: 'rocket', buildType: 'release', version: '9.0.0' };
  const request = { ...target, path: await webBuild('new bundle') };
  const counted = async (step: () => Promise<unknown>) => {
    const since = github.fake().requests.length;
    await step();
    return github.fake().countRequests(since);
  };
  return {
    publish: await counted(() => publish({ store: store(), config, request })),
    rerun: await counted(() => publish({ store: store(), config, request })),
    rollout: await counted(() => setRollout({ store: store(), config, ...target, percent: 30 })),
    yank: await counted(() => yankVersion({ store: store(), config, ...target })),
    yankAgain: await counted(() => yankVersion({ store: store(), config, ...target })),
    manifest: await readManifest(store()),
  };
}

describe('API requests of publishing and editing', () => {
  test('the same at 10 releases as at 1,200, past the 1,000 GitHub lists: nothing is listed, the manifest is updated in place', async () => {
    const small = await countSteps(10);
    const large = await countSteps(1200);
    for (const step of ['publish', 'rerun', 'rollout', 'yank', 'yankAgain'] as const) {
      expect(large[step], step).toEqual(small[step]);
      expect(large[step].byOperation['repos/list-releases'], step).toBeUndefined();
    }
    expect(large.manifest?.versions).toHaveLength(1201);
    expect(large.manifest?.versions.find((v) => v.version === '9.0.0')).toMatchObject({ yanked: true, rollout: 30 });

    // A new version: looked up by tag (REST for a published one, GraphQL for a draft, as `gh` does),
    // once before and once under the version's lease; then the lease, release, uploads (the bundle
    // and its file list, for delta updates), publish, icon and manifest: a fixed handful.
    expect(small.publish.byOperation).toMatchObject({
      'repos/get-release-by-tag': 2,
      graphql: 2,
      'repos/create-release': 1,
      'repos/upload-release-asset': 2,
      'repos/update-release': 1,
      'repos/delete-file': 1,
    });
    expect(small.publish.total).toBeLessThanOrEqual(17);
    // A re-run writes nothing, not even a lease: its release found by tag, and the manifest read
    // (once more up front, to refuse a config that no longer declares an app of the feed before anything is written).
    expect(small.rerun.byOperation['repos/get-release-by-tag']).toBe(1);
    expect(small.rerun.total).toBeLessThanOrEqual(4);
    expect(small.rollout.total).toBeLessThanOrEqual(9);
    // An edit that changes nothing writes nothing: the manifest it would write is the one there.
    expect(Object.keys(small.yankAgain.byOperation).sort()).toEqual(['repos/get-content', 'repos/get-release-by-tag']);
  });
});
