import { setTimeout as sleep } from 'node:timers/promises';
import { buildManifest, withRelease, type SkippedRelease } from '../feed/build-manifest.js';
import type { Config } from '../feed/config.js';
import { MANIFEST_PATH, parseManifest, sameFeed, serializeManifest, type Manifest } from '../feed/manifest.js';
import { isNewerFormatError } from '../feed/versioned-format.js';
import { isStoreConflict, ReleaseListCapped } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { Release } from '../store/types.js';
import { checkAppsKept } from './apps-left-out.js';
import { ManifestContentionError, RepairNeededError } from './errors.js';

export interface ManifestWrite {
  readonly sha: string;
  /** False when the feed was already up to date and nothing was written. */
  readonly changed: boolean;
  readonly manifest: Manifest;
  readonly skipped: readonly SkippedRelease[];
}

interface ManifestWriteOptions {
  readonly store: Store;
  readonly config: Config;
  readonly now: () => Date;
  readonly maxAttempts?: number;
}

/**
 * Puts one release, as it now is, into the manifest: read the manifest, replace that release's
 * record, compare-and-swap. Costs the same at 10 releases and at 100,000. On a lost race it reads
 * the winner's manifest and applies the release again, so concurrent publishes all end up in it.
 * A feed without a manifest yet (the first publish) is built from its releases.
 */
export function recordInManifest(options: ManifestWriteOptions & { readonly release: Release }): Promise<ManifestWrite> {
  return swapManifest(options, async (previous) => {
    if (!previous) return rebuild(options, previous);
    // Checked before the publish or edit began too; again here, against the manifest this write replaces.
    checkAppsKept(options.config, previous);
    return withRelease({ config: options.config, previous, release: options.release, generatedAt: options.now() });
  });
}

/**
 * Rebuilds the manifest from every release (`updateforge repair`, and a feed whose manifest is
 * missing or damaged). The branch is read before the releases are listed, so a write that wins the
 * swap has seen every release created by the writer it replaces.
 */
export function rebuildManifest(options: ManifestWriteOptions & { readonly releases?: ReleaseSource }): Promise<ManifestWrite> {
  return swapManifest(options, (previous) => rebuild(options, previous));
}

/**
 * Takes the records of `ids` out of the manifest (`updateforge prune`, once their releases are
 * deleted), by the same compare-and-swap as a publish: on a lost race it re-reads the winner's
 * manifest and removes them again. Records already gone change nothing, and nothing is written.
 */
export function removeFromManifest(options: ManifestWriteOptions & { readonly ids: readonly string[] }): Promise<ManifestWrite> {
  const gone = new Set(options.ids);
  return swapManifest(options, async (previous) => {
    if (!previous) return rebuild(options, previous);
    const versions = previous.versions.filter((v) => !gone.has(v.id));
    return { manifest: { ...previous, generatedAt: options.now().toISOString(), versions }, skipped: [] };
  });
}

/** Where a rebuild takes its releases from, told the manifest it replaces (null when there is none, or it cannot be read). */
type ReleaseSource = (previous: Manifest | null) => Promise<readonly Release[]>;

async function rebuild(options: ManifestWriteOptions & { readonly releases?: ReleaseSource }, previous: Manifest | null) {
  const releases = await (options.releases ?? (() => listAll(options.store)))(previous);
  return buildManifest({ config: options.config, releases, generatedAt: options.now() });
}

async function listAll(store: Store): Promise<Release[]> {
  try {
    return await store.listReleases();
  } catch (error) {
    if (!(error instanceof ReleaseListCapped)) throw error;
    throw new RepairNeededError(`The feed's manifest is missing or cannot be read, and ${error.message}. Run \`updateforge repair\` once to rebuild it from every release.`, {
      cause: error,
    });
  }
}

async function swapManifest(
  options: ManifestWriteOptions,
  next: (previous: Manifest | null) => Promise<{ manifest: Manifest; skipped: SkippedRelease[] }>,
): Promise<ManifestWrite> {
  const { store } = options;
  const maxAttempts = options.maxAttempts ?? 10;
  for (let attempt = 1; ; attempt++) {
    const current = await store.readBranchFile(MANIFEST_PATH);
    const existing = current === null || current === 'not-modified' ? null : current;
    const previous = existing && readable(existing.content);
    const { manifest, skipped } = await next(previous);
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

/**
 * The manifest in `bytes`, or null when it cannot be read (it is derived data: it is simply rebuilt).
 * One a newer UpdateForge wrote is not rebuilt: this version would write what it knows over it.
 */
function readable(bytes: Uint8Array): Manifest | null {
  try {
    return parseManifest(bytes);
  } catch (error) {
    if (isNewerFormatError(error)) throw error;
    return null;
  }
}
