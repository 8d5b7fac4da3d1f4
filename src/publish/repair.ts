import type { Config } from '../feed/config.js';
import type { Manifest } from '../feed/manifest.js';
import { parseReleaseBody, releaseTag } from '../feed/release-body.js';
import { BUILD_TYPES } from '../feed/version.js';
import { ReleaseListCapped } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { Release } from '../store/types.js';
import { errorMessage } from '../util/error-message.js';
import { rebuildManifest, type ManifestWrite } from './write-manifest.js';

export type RepairProgress = { readonly phase: 'listing' } | { readonly phase: 'looking-up'; readonly done: number; readonly total: number } | { readonly phase: 'writing' };

export interface RepairResult extends ManifestWrite {
  /** Releases the store listed, and those past its listing found one by one by their tags. */
  readonly listed: number;
  readonly lookedUp: number;
  /** Drafts deleted because a published release already has their tag: they could never be published. */
  readonly orphanDrafts: readonly string[];
  /** Drafts that could not be deleted, with why. */
  readonly warnings: readonly string[];
}

/**
 * `updateforge repair`: the manifest rebuilt from the releases themselves, for a manifest that is
 * lost or damaged, or after an app came back into updateforge.json. Publishes update the manifest
 * in place and never need this.
 *
 * GitHub lists only the newest 1,000 releases; past them, the rest are found by their tags (one
 * request for every tag) and by the pending versions the old manifest names, each read by tag: a
 * request per release beyond the first 1,000, reported as progress.
 */
export async function repairManifest(options: { store: Store; config: Config; now?: () => Date; onProgress?: (progress: RepairProgress) => void }): Promise<RepairResult> {
  const { store, config } = options;
  const counts = { listed: 0, lookedUp: 0 };
  const collect = async (previous: Manifest | null): Promise<Release[]> => {
    options.onProgress?.({ phase: 'listing' });
    let releases: Release[];
    try {
      releases = await store.listReleases();
    } catch (error) {
      if (!(error instanceof ReleaseListCapped)) throw error;
      releases = [...error.listed];
    }
    counts.listed = releases.length;
    const seen = new Set(releases.map((r) => r.tag));
    const beyond = [...new Set([...(await feedTags(store, config)), ...pendingTags(previous)])].filter((tag) => !seen.has(tag));
    counts.lookedUp = 0;
    for (const tag of beyond) {
      options.onProgress?.({ phase: 'looking-up', done: counts.lookedUp, total: beyond.length });
      const release = await store.findReleaseByTag(tag);
      counts.lookedUp++;
      if (release) releases.push(release);
    }
    if (beyond.length > 0) options.onProgress?.({ phase: 'looking-up', done: beyond.length, total: beyond.length });
    options.onProgress?.({ phase: 'writing' });
    return releases;
  };

  let releases: Release[] = [];
  const written = await rebuildManifest({
    store,
    config,
    now: options.now ?? (() => new Date()),
    releases: async (previous) => (releases = await collect(previous)),
  });
  const { deleted, warnings } = await deleteOrphanDrafts(store, releases);
  return { ...written, ...counts, orphanDrafts: deleted, warnings };
}

/** Every tag a release of an app of the feed can have: `<app>/<build type>/v…`, one request per app and build type. */
async function feedTags(store: Store, config: Config): Promise<string[]> {
  const tags: string[] = [];
  for (const app of config.apps) for (const buildType of BUILD_TYPES) tags.push(...(await store.listTags(`${app.id}/${buildType}/v`)));
  return tags;
}

/** Pending versions are drafts, which have no tag yet: the old manifest is where they are known. */
function pendingTags(manifest: Manifest | null): string[] {
  return (manifest?.versions ?? []).filter((v) => v.file === null).map((v) => releaseTag(v.app, v.buildType, v.version));
}

/**
 * Drafts UpdateForge made whose tag already has a published release: left by a run cancelled after
 * it created its draft. GitHub would refuse to publish them (the tag is taken), so nothing is lost.
 */
async function deleteOrphanDrafts(store: Store, releases: readonly Release[]): Promise<{ deleted: string[]; warnings: string[] }> {
  const published = new Set(releases.filter((r) => !r.draft).map((r) => r.tag));
  const orphans = releases.filter((r) => r.draft && published.has(r.tag) && parseReleaseBody(r.body) !== null);
  const deleted: string[] = [];
  const warnings: string[] = [];
  for (const draft of orphans) {
    try {
      await store.deleteRelease(draft);
      deleted.push(`${draft.tag} (draft ${draft.id})`);
    } catch (error) {
      warnings.push(`Could not delete the orphan draft ${draft.id} of ${draft.tag}: ${errorMessage(error)}.`);
    }
  }
  return { deleted, warnings };
}
