import { createHash } from 'node:crypto';
import { buildManifest } from '../../src/feed/build-manifest.js';
import type { Config } from '../../src/feed/config.js';
import { MANIFEST_PATH, serializeManifest } from '../../src/feed/manifest.js';
import { renderReleaseBody } from '../../src/feed/release-body.js';
import type { Release } from '../../src/store/types.js';
import { addBlob, addCommit, newId, type FakeRepo } from './model.js';

const APK = 'application/vnd.android.package-archive';

/**
 * Fills a fake repository with `count` published UpdateForge versions of `app` (one
 * release and asset each, and the tag each publish made) straight into its state: what
 * hundreds of earlier publishes would have left, without making them. 100,000 take about
 * a second.
 */
export function seedReleases(repo: FakeRepo, options: { app: string; count: number }): void {
  const epoch = Date.UTC(2026, 0, 1);
  // Publishing a release makes its tag (OAS `repos/create-release`, `target_commitish`): at the default branch's head.
  const head = repo.refs.get(`refs/heads/${repo.defaultBranch}`);
  for (let i = 0; i < options.count; i++) {
    const bytes = Buffer.from(`build ${i}`);
    const releaseId = newId();
    const assetId = newId();
    const version = `0.${Math.floor(i / 100)}.${i % 100}`;
    const tagName = `${options.app}/release/v${version}`;
    const created = new Date(epoch + i * 60_000).toISOString();
    const name = `app-${version}.apk`;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    repo.assets.set(assetId, { id: assetId, releaseId, name, label: name, contentType: APK, bytes, state: 'uploaded', createdAt: created, downloadCount: 0 });
    repo.releases.set(releaseId, {
      id: releaseId,
      tagName,
      targetCommitish: 'main',
      name: `${options.app} ${version} (release)`,
      body: renderReleaseBody('', {
        updateforge: 1,
        app: options.app,
        buildType: 'release',
        version,
        name: '',
        public: false,
        created,
        state: 'published',
        file: { assetId: String(assetId), name, size: bytes.length, sha256, contentType: APK, kind: 'binary' },
      }),
      draft: false,
      prerelease: false,
      createdAt: created,
      publishedAt: created,
      assetIds: [assetId],
    });
    if (head) repo.refs.set(`refs/tags/${tagName}`, head);
  }
}

/**
 * A feed as `count` earlier publishes would have left it: the releases and their tags
 * (`seedReleases`), and the manifest branch listing them, built by the product's own
 * `buildManifest`. Written straight into the fake's state, so a feed of 100,000 releases
 * needs neither 100,000 publishes nor a listing past GitHub's 1,000-result cap.
 * Returns the manifest's size in bytes.
 */
export function seedFeed(repo: FakeRepo, options: { app: string; count: number; config: Config; branch?: string }): number {
  seedReleases(repo, options);
  const releases: Release[] = [...repo.releases.values()].map((r) => ({
    id: String(r.id),
    tag: r.tagName,
    name: r.name ?? '',
    body: r.body ?? '',
    draft: r.draft,
    createdAt: r.createdAt,
    assets: r.assetIds.flatMap((id) => {
      const a = repo.assets.get(id);
      return a
        ? [
            {
              id: String(a.id),
              name: a.name,
              label: a.label,
              size: a.bytes.length,
              contentType: a.contentType,
              digest: null,
              state: a.state === 'uploaded' ? ('uploaded' as const) : ('incomplete' as const),
            },
          ]
        : [];
    }),
  }));
  const { manifest } = buildManifest({ config: options.config, releases, generatedAt: new Date() });
  const bytes = Buffer.from(serializeManifest(manifest));
  const blob = addBlob(repo, bytes);
  const commit = addCommit(repo, { parents: [], message: 'Update manifest', files: new Map([[MANIFEST_PATH, blob]]) });
  repo.refs.set(`refs/heads/${options.branch ?? 'updateforge'}`, commit.sha);
  return bytes.length;
}
