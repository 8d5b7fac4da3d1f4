import { describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { readAll } from '../store/store-contract.js';
import { assertNoDanglingAssets, readManifest } from '../helpers/feed.js';
import { writeBuild, writeConfig } from '../helpers/fixtures.js';
import { newId } from '../fake-github/model.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';

const github = useFakeGitHub();

async function setup(options: Parameters<ReturnType<typeof useFakeGitHub>['newRepo']>[0] = {}) {
  const repo = github.newRepo(options);
  const store = githubStore(github.fake(), repo);
  const config = await writeConfig();
  const run = (request: { version: string; path?: string; overwrite?: boolean; name?: string }) =>
    publish({ store, config, request: { app: 'rocket', buildType: 'release', ...request } });
  return { repo, store, config, run, fakeRepo: () => github.fake().repos.get(repo.toLowerCase())! };
}

describe('publishing into GitHub Releases', () => {
  test('a server that reports no asset digest: the size is checked and the publish says loudly that the bytes were not verified', async () => {
    const { run } = await setup({ assetDigests: false });
    const result = await run({ version: '1.0.0', path: await writeBuild('hello github', 'rocket.apk') });
    expect(result.outcome).toBe('published');
    expect(result.warnings).toEqual([
      "GitHub reported no digest for 'rocket.apk' (assets uploaded before June 2025 and older GitHub Enterprise Servers have none): only its size was checked, not its bytes.",
    ]);
    // A re-run that changes nothing does not warn again.
    expect((await run({ version: '1.0.0', path: await writeBuild('hello github', 'rocket.apk') })).warnings).toEqual([]);
  });

  test('a new version becomes a published release with its asset, the manifest and icons on the feed branch', async () => {
    const { store, run, fakeRepo } = await setup();
    const result = await run({ version: '1.0.0', path: await writeBuild('hello github', 'Rocket café.apk') });
    expect(result.outcome).toBe('published');
    const release = [...fakeRepo().releases.values()][0]!;
    expect(release).toMatchObject({ tagName: 'rocket/release/v1.0.0', draft: false });
    expect(fakeRepo().refs.has('refs/tags/rocket/release/v1.0.0')).toBe(true);
    const asset = fakeRepo().assets.get(release.assetIds[0]!)!;
    expect(asset).toMatchObject({ name: 'Rocket.caf.apk', label: 'Rocket café.apk', state: 'uploaded' });
    expect((await readManifest(store))?.versions).toEqual([result.version]);
    expect(await store.readBranchFile('icons/rocket/rocket.png')).not.toBeNull();
    expect(await readAll(await store.openAsset(result.version.file!.assetId))).toBe('hello github');
  });

  test('the same bytes again make no write at all', async () => {
    const { run } = await setup();
    const build = await writeBuild('same');
    await run({ version: '1.0.0', path: build });
    const before = github.fake().requests.length;
    expect((await run({ version: '1.0.0', path: build })).outcome).toBe('unchanged');
    const writes = github
      .fake()
      .requests.slice(before)
      .filter((r) => r.method !== 'GET');
    expect(writes).toEqual([]);
  });

  test('different bytes are refused unless overwrite; overwrite replaces the asset', async () => {
    const { run, fakeRepo } = await setup();
    await run({ version: '1.0.0', path: await writeBuild('one') });
    await expect(run({ version: '1.0.0', path: await writeBuild('two') })).rejects.toThrow(/already published with different bytes/);
    const replaced = await run({ version: '1.0.0', path: await writeBuild('three'), overwrite: true });
    expect(replaced.outcome).toBe('replaced');
    const release = [...fakeRepo().releases.values()][0]!;
    expect(release.assetIds.map((id) => fakeRepo().assets.get(id)?.bytes.toString())).toEqual(['three']);
  });

  test('with immutable releases, a pending version stays a draft and is published once its file is verified', async () => {
    const { store, run, fakeRepo } = await setup({ immutableReleases: true });
    const pending = await run({ version: '2.0.0', name: 'Next' });
    expect([...fakeRepo().releases.values()][0]).toMatchObject({ draft: true });
    const done = await run({ version: '2.0.0', path: await webBuild('bundle') });
    expect(done.version.id).toBe(pending.version.id);
    expect([...fakeRepo().releases.values()][0]).toMatchObject({ draft: false });
    await expect(run({ version: '2.0.0', path: await webBuild('other'), overwrite: true })).rejects.toThrow(/is immutable .* publish a new version/);
    await assertNoDanglingAssets(store);
  });

  test('publishes running at once all end up in the manifest', async () => {
    const { repo, config } = await setup();
    const builds = await Promise.all(['1.0.0', '1.1.0', '1.2.0', '2.0.0'].map((v) => writeBuild(`build ${v}`)));
    const results = await Promise.all(
      ['1.0.0', '1.1.0', '1.2.0', '2.0.0'].map((version, i) =>
        publish({ store: githubStore(github.fake(), repo), config, request: { app: 'rocket', buildType: 'release', version, path: builds[i] } }),
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(['published', 'published', 'published', 'published']);
    const manifest = await readManifest(githubStore(github.fake(), repo));
    expect(manifest?.versions.map((v) => v.version)).toEqual(['2.0.0', '1.2.0', '1.1.0', '1.0.0']);
  });

  test('an upload that dies half-way is retried and the publish ends clean', async () => {
    const { store, run, fakeRepo } = await setup();
    github.fake().inject({ operationId: 'repos/upload-release-asset', abortUploadAfter: 100 });
    const result = await run({ version: '1.0.0', path: await writeBuild(Buffer.alloc(50_000, 7)) });
    expect(result.version.file?.size).toBe(50_000);
    expect([...fakeRepo().assets.values()].map((a) => a.state)).toEqual(['uploaded']);
    await assertNoDanglingAssets(store);
  });

  test('a failure before the manifest is written leaves no release behind', async () => {
    const { run, fakeRepo } = await setup();
    await run({ version: '1.0.0', path: await writeBuild('one') });
    github.fake().inject({ operationId: 'repos/upload-release-asset', status: 502, times: 3 });
    await expect(run({ version: '2.0.0', path: await writeBuild('two') })).rejects.toThrow(/GitHub answered 502/);
    expect([...fakeRepo().releases.values()].map((r) => r.tagName)).toEqual(['rocket/release/v1.0.0']);
  });
});

describe('many publishers at once on GitHub', () => {
  test('8 jobs publishing 8 versions at once all land in the manifest within the compare-and-swap budget', async () => {
    const { store, config, repo } = await setup();
    const since = github.fake().requests.length;
    const results = await Promise.all(
      Array.from({ length: 8 }, async (_, i) =>
        publish({
          store: githubStore(github.fake(), repo),
          config,
          request: { app: 'rocket', buildType: 'release', version: `2.${i}.0`, path: await writeBuild(`build ${i}`, `rocket-${i}.apk`) },
        }),
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(Array(8).fill('published'));
    expect((await readManifest(store))?.versions.map((v) => v.version).sort()).toEqual(results.map((r) => r.version.version).sort());
    // A publish whose release another writer's manifest already lists writes nothing; lost swaps are
    // retried, within the budget of 10 attempts a publish.
    const manifestWrites = github
      .fake()
      .requests.slice(since)
      .filter((r) => r.operationId === 'repos/create-or-update-file-contents' && r.path.endsWith('/manifest.json'));
    const won = manifestWrites.filter((r) => r.status === 200 || r.status === 201).length;
    expect(won).toBeGreaterThanOrEqual(1);
    expect(won).toBeLessThanOrEqual(8);
    expect(manifestWrites.length - won).toBeLessThan(8 * 9);
  });
});

describe('an orphan draft with the tag of a published version', () => {
  test("a cancelled run's draft does not hijack later publishes: the published release is found by its tag", async () => {
    const { run, fakeRepo } = await setup();
    const build = await writeBuild('hello github', 'rocket.apk');
    const first = await run({ version: '1.0.0', path: build });
    // GitHub lets several drafts share a tag (ncipollo/release-action#8): two runs of one version each
    // made a draft while neither was published yet; one published, the other was cancelled. Its
    // draft is the newer of the two, so it lists first.
    const published = [...fakeRepo().releases.values()][0]!;
    const orphan = { ...published, id: newId(), draft: true, publishedAt: null, assetIds: [], createdAt: new Date(Date.now() + 1000).toISOString() };
    orphan.body = (published.body ?? '').replace('"state":"published"', '"state":"uploading"');
    fakeRepo().releases.set(orphan.id, orphan);
    const again = await run({ version: '1.0.0', path: build });
    expect(again.outcome).toBe('unchanged');
    expect(again.version).toEqual(first.version);
    const renamed = await run({ version: '1.0.0', path: build, name: 'Renamed' });
    expect(renamed.outcome).toBe('updated');
    expect(renamed.version.name).toBe('Renamed');
  });
});
