import { describe, expect, test } from 'vitest';
import { PublishUnfinishedError } from '../../src/publish/errors.js';
import { publish } from '../../src/publish/publish.js';
import { readManifest } from '../helpers/feed.js';
import { writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

async function immutableFeed() {
  const repo = github.newRepo({ immutableReleases: true });
  const store = githubStore(github.fake(), repo);
  const config = await writeConfig();
  const run = (version: string, path: string) => publish({ store, config, request: { app: 'rocket', buildType: 'release', version, path } });
  return { store, run, fakeRepo: () => github.fake().repos.get(repo.toLowerCase())! };
}

describe('a repository with immutable releases', () => {
  test('a failure after the release is published burns no version: nothing is deleted, and the re-run finishes the publish', async () => {
    const { store, run, fakeRepo } = await immutableFeed();
    await run('1.0.0', await writeBuild('one'));
    const build = await writeBuild('two');
    // The manifest write fails past every retry, after the release went public.
    github.fake().inject({ operationId: 'repos/create-or-update-file-contents', path: /manifest\.json$/, status: 502, times: 10 });
    const failed = run('2.0.0', build);
    await expect(failed).rejects.toBeInstanceOf(PublishUnfinishedError);
    await expect(failed).rejects.toThrow(/rocket\/release\/v2\.0\.0 is published, but the feed does not list it yet.*Run the same publish again/s);
    github.fake().faults.length = 0;

    expect([...fakeRepo().releases.values()].filter((r) => r.tagName === 'rocket/release/v2.0.0')).toMatchObject([{ draft: false }]);
    expect(fakeRepo().reservedTags.size).toBe(0);
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['1.0.0']);

    const finished = await run('2.0.0', build);
    expect(finished.outcome).toBe('unchanged');
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['2.0.0', '1.0.0']);
  });

  test("a tag GitHub keeps reserved after its immutable release was deleted: GitHub's refusal, said plainly, and no draft left behind", async () => {
    const { run, fakeRepo } = await immutableFeed();
    await run('1.0.0', await writeBuild('one'));
    // Someone deleted the release by hand: GitHub lets the release go, never its tag name.
    const [first] = [...fakeRepo().releases.values()];
    fakeRepo().releases.delete(first!.id);
    fakeRepo().reservedTags.add(first!.tagName);

    await expect(run('1.0.0', await writeBuild('one again'))).rejects.toThrow(
      /The tag 'rocket\/release\/v1\.0\.0' was used by an immutable release of acme\/feed-\w+ that was later deleted, and GitHub never lets a tag name be used again.*Publish a new version\./,
    );
    expect([...fakeRepo().releases.values()]).toEqual([]);
    await expect(run('1.0.1', await writeBuild('one again'))).resolves.toMatchObject({ outcome: 'published' });
  });
});
