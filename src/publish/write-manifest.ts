import { setTimeout as sleep } from 'node:timers/promises';
import { buildManifest, type SkippedRelease } from '../feed/build-manifest.js';
import type { Config } from '../feed/config.js';
import { MANIFEST_PATH, parseManifest, sameFeed, serializeManifest, type Manifest } from '../feed/manifest.js';
import { isStoreConflict } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { ManifestContentionError } from './errors.js';

export interface ManifestWrite {
  readonly sha: string;
  /** False when the feed was already up to date and nothing was written. */
  readonly changed: boolean;
  readonly manifest: Manifest;
  readonly skipped: readonly SkippedRelease[];
}

/**
 * Regenerates the manifest from the releases and writes it with compare-and-swap.
 * The branch is read before the releases are listed, so a write that wins the swap
 * has seen every release created by the writer it replaces: concurrent publishes
 * all end up in the manifest. On a lost race it re-reads and tries again.
 */
export async function writeManifest(options: {
  store: Store;
  config: Config;
  now: () => Date;
  maxAttempts?: number;
}): Promise<ManifestWrite> {
  const { store, config } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    const current = await store.readBranchFile(MANIFEST_PATH);
    const existing = current === null || current === 'not-modified' ? null : current;
    const releases = await store.listReleases();
    const { manifest, skipped } = buildManifest({ config, releases, generatedAt: options.now() });
    const previous = existing && readable(existing.content);
    if (existing && previous && sameFeed(previous, manifest)) return { sha: existing.sha, changed: false, manifest: previous, skipped };
    try {
      const message = `Update manifest (${manifest.versions.length} versions)`;
      const { sha } = await store.writeBranchFile(MANIFEST_PATH, serializeManifest(manifest), { expectedSha: existing?.sha ?? null, message });
      return { sha, changed: true, manifest, skipped };
    } catch (error) {
      if (!isStoreConflict(error)) throw error;
      if (attempt >= maxAttempts) {
        throw new ManifestContentionError(`The manifest kept changing under us (${attempt} attempts); other publishes are running. Run this publish again.`, { cause: error });
      }
      // Jitter spreads retrying writers apart so they stop colliding.
      await sleep(Math.random() * 50 * attempt);
    }
  }
}

/** The manifest in `bytes`, or null when it cannot be read (it is derived data: it is simply rebuilt). */
function readable(bytes: Uint8Array): Manifest | null {
  try {
    return parseManifest(bytes);
  } catch {
    return null;
  }
}
