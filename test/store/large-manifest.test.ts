import { describe, expect, test } from 'vitest';
import { MANIFEST_PATH, parseManifest, serializeManifest, type Manifest } from '../../src/feed/manifest.js';
import { addBlob, addCommit, type FakeRepo } from '../fake-github/model.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

/** A manifest of `count` versions: about 0.5 KB each, as real ones are. */
function manifestOf(count: number): Buffer {
  const versions = Array.from({ length: count }, (_, i) => ({
    id: String(100_000 + i),
    app: 'rocket',
    buildType: 'release' as const,
    version: `${Math.floor(i / 1000)}.${Math.floor(i / 10) % 100}.${i % 10}`,
    name: `Build ${i}`,
    public: i % 2 === 0,
    created: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
    notes: 'Fixes and improvements to the tracker, the map and the settings screen.',
    file: {
      assetId: String(200_000 + i),
      name: `rocket-${i}.apk`,
      size: 12_345_678,
      sha256: 'ab'.repeat(32),
      contentType: 'application/vnd.android.package-archive',
      kind: 'binary' as const,
    },
  }));
  const manifest: Manifest = {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    teams: [{ id: 'acme', name: 'Acme' }],
    apps: [{ id: 'rocket', team: 'acme', title: 'Rocket', packageName: 'com.acme.rocket', icon: null, defaultChannel: 'production' }],
    channels: [],
    versions,
  };
  return Buffer.from(serializeManifest(manifest));
}

function putManifest(repo: FakeRepo, bytes: Buffer): void {
  const commit = addCommit(repo, { parents: [], message: 'Update manifest', files: new Map([[MANIFEST_PATH, addBlob(repo, bytes)]]) });
  repo.refs.set('refs/heads/updateforge', commit.sha);
}

describe('a manifest of tens of thousands of versions', () => {
  // Over 1 MB the contents API leaves the content out and the blob is read instead; its JSON form
  // (base64 in a JSON string) then outgrew what the client's JSON parser takes (~8 MiB) at ~12,000 versions.
  test('20,000 versions (10 MB) are read whole, by the server and by a publish alike', async () => {
    const name = github.newRepo();
    const bytes = manifestOf(20_000);
    expect(bytes.length).toBeGreaterThan(9 * 1024 * 1024);
    putManifest(github.fake().repos.get(name.toLowerCase())!, bytes);
    const store = githubStore(github.fake(), name);
    for (const read of [() => store.readBranchFile(MANIFEST_PATH, { recheck: true }), () => store.readBranchFile(MANIFEST_PATH)]) {
      const file = await read();
      if (file === null || file === 'not-modified') throw new Error(`expected the manifest, got ${String(file)}`);
      expect(Buffer.from(file.content).equals(bytes)).toBe(true);
      expect(parseManifest(file.content).versions).toHaveLength(20_000);
    }
  });
});
