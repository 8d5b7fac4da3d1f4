import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MANIFEST_PATH } from '../../src/feed/manifest.js';
import { renderReleaseBody } from '../../src/feed/release-body.js';
import { RepairNeededError } from '../../src/publish/errors.js';
import { publish } from '../../src/publish/publish.js';
import { repairManifest, type RepairProgress } from '../../src/publish/repair.js';
import { LocalStore } from '../../src/store/local/store.js';
import { addBlob, addCommit, newId, type FakeRepo } from '../fake-github/model.js';
import { readManifest } from '../helpers/feed.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';
import { seedFeed } from '../fake-github/seed.js';

const github = useFakeGitHub();

/** Replaces the manifest on the feed branch with bytes no reader accepts. */
function damageManifest(repo: FakeRepo): void {
  const head = repo.commits.get(repo.refs.get('refs/heads/updateforge')!)!;
  const files = new Map(head.files).set(MANIFEST_PATH, addBlob(repo, Buffer.from('{"schemaVersion": 1, "versio')));
  repo.refs.set('refs/heads/updateforge', addCommit(repo, { parents: [head.sha], message: 'oops', files }).sha);
}

async function bigFeed(count: number) {
  const name = github.newRepo();
  const repo = github.fake().repos.get(name.toLowerCase())!;
  const config = await writeConfig();
  seedFeed(repo, { app: 'rocket', count, config: config.config });
  return { repo, store: githubStore(github.fake(), name), config };
}

describe('updateforge repair', () => {
  test('rebuilds a damaged manifest of 1,020 releases, past the 1,000 GitHub lists: the rest found by their tags', async () => {
    const { repo, store, config } = await bigFeed(1020);
    damageManifest(repo);
    // A publish cannot rebuild it in passing: it says to repair, and the release it published stays for the re-run.
    await expect(publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '9.0.0', path: await writeBuild('new') } })).rejects.toThrow(
      /is published, but the feed does not list it yet: The feed's manifest is missing or cannot be read, and GitHub lists only the newest 1000 releases of acme\/feed-\w+, and it has more\. Run `updateforge repair`/,
    );

    const progress: RepairProgress[] = [];
    const result = await repairManifest({ store, config: config.config, onProgress: (p) => progress.push(p) });
    expect(result).toMatchObject({ changed: true, listed: 1000, lookedUp: 21, orphanDrafts: [] });
    const versions = (await readManifest(store))!.versions;
    expect(versions).toHaveLength(1021);
    expect(new Set(versions.map((v) => v.version)).size).toBe(1021);
    expect(versions[0]?.version).toBe('9.0.0');
    expect(progress[0]).toEqual({ phase: 'listing' });
    expect(progress).toContainEqual({ phase: 'looking-up', done: 21, total: 21 });
    expect(progress.at(-1)).toEqual({ phase: 'writing' });
  });

  test('a pending version past the listing is kept: the old manifest names it, and its draft is found by its pending tag', async () => {
    const { repo, store, config } = await bigFeed(1010);
    // The oldest release is a pending version: a draft, with no tag, beyond the 1,000 GitHub lists.
    const oldest = [...repo.releases.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt))[0]!;
    const version = oldest.tagName.replace(/^.*\/v/, '');
    Object.assign(oldest, {
      draft: true,
      assetIds: [],
      publishedAt: null,
      body: renderReleaseBody('', {
        updateforge: 1,
        app: 'rocket',
        buildType: 'release',
        version,
        name: '',
        public: false,
        created: oldest.createdAt,
        state: 'pending',
        file: null,
      }),
    });
    repo.refs.delete(`refs/tags/${oldest.tagName}`);
    // The manifest as the publish of that pending version left it.
    seedFeed(repo, { app: 'rocket', count: 0, config: config.config });

    const result = await repairManifest({ store, config: config.config });
    expect(result.changed).toBe(false);
    expect(result.manifest.versions.find((v) => v.version === version)).toMatchObject({ id: String(oldest.id), file: null });
    expect(result.manifest.versions).toHaveLength(1010);
  });

  test("a cancelled run's orphan draft, beside the published release of its tag, is deleted", async () => {
    const name = github.newRepo();
    const repo = github.fake().repos.get(name.toLowerCase())!;
    const store = githubStore(github.fake(), name);
    const config = await writeConfig();
    const published = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild('one') } });
    const [release] = [...repo.releases.values()];
    const orphan = newId();
    repo.releases.set(orphan, { ...release!, id: orphan, draft: true, publishedAt: null, assetIds: [], createdAt: new Date().toISOString() });
    const foreign = newId();
    repo.releases.set(foreign, { ...release!, id: foreign, draft: true, publishedAt: null, assetIds: [], body: 'a draft someone wrote by hand' });

    const result = await repairManifest({ store, config: config.config });
    expect(result.orphanDrafts).toEqual([`rocket/release/v1.0.0 (draft ${orphan})`]);
    expect(repo.releases.has(orphan)).toBe(false);
    expect(repo.releases.has(foreign)).toBe(true);
    expect(result.manifest.versions).toEqual([published.version]);
  });

  test('on a local store too: a lost manifest comes back as it was', async () => {
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const config = await writeConfig();
    const request = { app: 'rocket', buildType: 'release' as const };
    await publish({ store, config, request: { ...request, version: '1.0.0', path: await writeBuild('one') } });
    await publish({ store, config, request: { ...request, version: '2.0.0' } });
    const before = await readManifest(store);
    const file = await store.readBranchFile(MANIFEST_PATH);
    await store.deleteBranchFile(MANIFEST_PATH, { expectedSha: (file as { sha: string }).sha, message: 'lost' });

    const result = await repairManifest({ store, config: config.config });
    expect(result).toMatchObject({ changed: true, listed: 2, lookedUp: 0 });
    expect({ ...(await readManifest(store)), generatedAt: '' }).toEqual({ ...before, generatedAt: '' });
  });

  test('a publish into a feed with no manifest and more releases than GitHub lists says to repair', async () => {
    const { repo, store, config } = await bigFeed(1001);
    repo.refs.delete('refs/heads/updateforge');
    const failed = publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '9.0.0' } });
    await expect(failed).rejects.toBeInstanceOf(RepairNeededError);
  });
});
