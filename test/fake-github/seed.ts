import { createHash } from 'node:crypto';
import { renderReleaseBody } from '../../src/feed/release-body.js';
import { newId, type FakeRepo } from './model.js';

/**
 * Fills a fake repository with `count` published UpdateForge versions of `app` (one
 * release and asset each) straight into its state: what hundreds of earlier publishes
 * would have left, without making them.
 */
export function seedReleases(repo: FakeRepo, options: { app: string; count: number }): void {
  for (let i = 0; i < options.count; i++) {
    const bytes = Buffer.from(`build ${i}`);
    const releaseId = newId();
    const assetId = newId();
    const version = `0.${Math.floor(i / 100)}.${i % 100}`;
    const created = new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString();
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    repo.assets.set(assetId, { id: assetId, releaseId, name: `app-${version}.apk`, label: `app-${version}.apk`, contentType: 'application/vnd.android.package-archive', bytes, state: 'uploaded', createdAt: created });
    repo.releases.set(releaseId, {
      id: releaseId,
      tagName: `${options.app}/release/v${version}`,
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
        file: { assetId: String(assetId), name: `app-${version}.apk`, size: bytes.length, sha256, contentType: 'application/vnd.android.package-archive', kind: 'binary' },
      }),
      draft: false,
      prerelease: false,
      createdAt: created,
      publishedAt: created,
      assetIds: [assetId],
    });
  }
}
