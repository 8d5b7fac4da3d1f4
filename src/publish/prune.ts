import { bundlesStillOffered } from '../capgo/still-offered.js';
import type { Config } from '../feed/config.js';
import { channelKey, indexManifest, type FeedSnapshot } from '../feed/feed-snapshot.js';
import { readFeedManifest } from '../feed/read-manifest.js';
import { parseReleaseBody, releaseTag } from '../feed/release-body.js';
import { BUILD_TYPES, compareVersions, isBuildType, type BuildType } from '../feed/version.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { Store } from '../store/store.js';
import { errorMessage } from '../util/error-message.js';
import { parseWholeNumber } from '../util/whole-number.js';
import { PruneUnfinishedError, PublishInputError } from './errors.js';
import { removeFromManifest } from './write-manifest.js';

/** Which versions a prune looks at: the newest `keep` of each app and build type stay; no app or build type means all of them. */
export interface PruneScope {
  readonly keep: number;
  readonly app?: string | undefined;
  readonly buildType?: BuildType | undefined;
  /** Versions (by id) kept whatever their age: the one a publish just made, when it prunes after itself. */
  readonly spare?: readonly string[] | undefined;
}

/** A version as a prune reports it (`--json`'s `removed`). Pending versions have no file: no kind, no size. */
export interface PrunedVersion {
  readonly id: string;
  readonly app: string;
  readonly buildType: BuildType;
  readonly version: string;
  readonly kind: 'binary' | 'bundle' | null;
  readonly size: number | null;
}

/**
 * Why a version older than the newest `keep` stays: testers' current or pending version, a
 * bundle some device may still be offered, the version this run just published, or a release
 * a publish is uploading into right now.
 */
export type KeepReason = 'current' | 'pending' | 'offered' | 'published' | 'uploading';

/** Each reason in words, for the CLI's lines and the job summary. */
export const KEEP_REASONS: Readonly<Record<KeepReason, string>> = {
  current: "testers' current version",
  pending: "testers' pending version",
  offered: 'devices may still be offered it',
  published: 'published by this run',
  uploading: 'a publish is uploading its file',
};

export interface KeptVersion extends PrunedVersion {
  readonly reason: KeepReason;
}

export interface PrunePlan {
  /** Newest first within each app and build type, in the manifest's order of those. */
  readonly remove: readonly PrunedVersion[];
  /** Older than the newest `keep`, but kept, and why. */
  readonly protected: readonly KeptVersion[];
  /** How many versions in the scope stay. */
  readonly kept: number;
}

/**
 * What a prune removes from a feed, given its manifest: in each app and build type, every version
 * past the newest `keep` (semver precedence; yanked ones count like any other) except testers'
 * current and pending version (as `indexManifest` chooses them) and the bundles some device may
 * still be offered (`bundlesStillOffered`). Pure: the same manifest and scope give the same plan.
 */
export function planPrune(snapshot: FeedSnapshot, scope: PruneScope): PrunePlan {
  const groups = new Map<string, VersionRecord[]>();
  for (const v of snapshot.manifest.versions) {
    if ((scope.app !== undefined && v.app !== scope.app) || (scope.buildType !== undefined && v.buildType !== scope.buildType)) continue;
    const key = channelKey(v.app, v.buildType);
    const group = groups.get(key);
    if (group) group.push(v);
    else groups.set(key, [v]);
  }
  const remove: PrunedVersion[] = [];
  const kept: KeptVersion[] = [];
  let inScope = 0;
  for (const [key, versions] of groups) {
    inScope += versions.length;
    const older = [...versions].sort((a, b) => compareVersions(b.version, a.version)).slice(scope.keep);
    if (older.length === 0) continue;
    const first = versions[0]!;
    const reasons = keepReasons(snapshot, first.app, first.buildType, key);
    for (const id of scope.spare ?? []) reasons.set(id, 'published');
    for (const v of older) {
      const reason = reasons.get(v.id);
      if (reason) kept.push({ ...describe(v), reason });
      else remove.push(describe(v));
    }
  }
  return { remove, protected: kept, kept: inScope - remove.length };
}

function keepReasons(snapshot: FeedSnapshot, app: string, buildType: BuildType, key: string): Map<string, KeepReason> {
  const reasons = new Map<string, KeepReason>();
  for (const bundle of bundlesStillOffered(snapshot.liveBundles.get(key) ?? [])) reasons.set(bundle.id, 'offered');
  const testers = snapshot.currentAndPending.get(app)?.[buildType];
  if (testers?.pending) reasons.set(testers.pending.id, 'pending');
  if (testers?.current) reasons.set(testers.current.id, 'current');
  return reasons;
}

function describe(v: VersionRecord): PrunedVersion {
  return { id: v.id, app: v.app, buildType: v.buildType, version: v.version, kind: v.file?.kind ?? null, size: v.file?.size ?? null };
}

/** `--keep` / the `keep` input as typed: a whole number, 1 or more. */
export function parseKeep(text: string): number {
  const keep = parseWholeNumber(text.trim());
  if (keep === undefined || keep < 1) throw badKeep(text);
  return keep;
}

function badKeep(given: string): PublishInputError {
  return new PublishInputError(
    'keep',
    `'${given}' is not a number of versions to keep. Give a whole number, 1 or more (e.g. 3): the newest that many of each app and build type stay.`,
  );
}

export interface PruneRequest {
  readonly store: Store;
  readonly config: Config;
  readonly keep: number;
  readonly app?: string | undefined;
  /** Absent: every build type. */
  readonly buildType?: string | undefined;
  /** Ids of versions to keep whatever their age (a publish pruning after itself keeps what it published). */
  readonly spare?: readonly string[] | undefined;
  /** Only plan: read the manifest, write nothing. */
  readonly dryRun?: boolean | undefined;
  readonly now?: () => Date;
  /** Told before each release is deleted. */
  readonly onDelete?: (version: PrunedVersion, index: number, total: number) => void;
}

export interface PruneResult extends PrunePlan {
  readonly dryRun: boolean;
  /** The manifest after the prune (as it was, when nothing was written); null when the feed has none yet. */
  readonly manifestSha: string | null;
  /** False when nothing was written. */
  readonly changed: boolean;
}

/**
 * `updateforge prune` and the action's `keep`: deletes the releases (with their assets) of the
 * versions `planPrune` picks, then takes them out of the manifest by compare-and-swap. Releases
 * first, so the manifest never loses a version whose release is still there (a rebuild would
 * bring it back); a prune stopped between the two is finished by running it again, since a
 * version whose release is already gone is simply dropped from the manifest.
 */
export async function prune(request: PruneRequest): Promise<PruneResult> {
  const scope = validatePruneScope(request, request.config);
  const { store } = request;
  const existing = await readFeedManifest(store);
  const plan = existing ? planPrune(indexManifest(existing.manifest), scope) : { remove: [], protected: [], kept: 0 };
  const dryRun = request.dryRun ?? false;
  if (dryRun || plan.remove.length === 0) return { ...plan, dryRun, manifestSha: existing?.sha ?? null, changed: false };

  const dropped: PrunedVersion[] = [];
  const uploading: KeptVersion[] = [];
  const writeManifest = () => removeFromManifest({ store, config: request.config, now: request.now ?? (() => new Date()), ids: dropped.map((v) => v.id) });
  try {
    for (const [index, v] of plan.remove.entries()) {
      request.onDelete?.(v, index, plan.remove.length);
      if ((await deleteRelease(store, v)) === 'uploading') uploading.push({ ...v, reason: 'uploading' });
      else dropped.push(v);
    }
  } catch (error) {
    if (dropped.length === 0) throw error;
    // What is deleted leaves the manifest now, so that it points at no missing asset while the rest waits for a re-run.
    await writeManifest().catch(() => undefined);
    throw new PruneUnfinishedError(`Deleted ${dropped.length} of ${plan.remove.length} releases, then: ${sentence(error)} Run the same prune again to finish it.`, {
      cause: error,
    });
  }
  let written;
  try {
    written = await writeManifest();
  } catch (error) {
    const what = `The releases of ${dropped.length} version${dropped.length === 1 ? ' are' : 's are'} gone`;
    throw new PruneUnfinishedError(`${what}, but the manifest could not be updated: ${sentence(error)} Run the same prune again to finish it.`, { cause: error });
  }
  return { remove: dropped, protected: [...plan.protected, ...uploading], kept: plan.kept + uploading.length, dryRun, manifestSha: written.sha, changed: written.changed };
}

function validatePruneScope(request: PruneRequest, config: Config): PruneScope {
  if (!Number.isSafeInteger(request.keep) || request.keep < 1) throw badKeep(String(request.keep));
  if (request.app !== undefined && !config.apps.some((a) => a.id === request.app)) {
    const known = config.apps.map((a) => `'${a.id}'`).join(', ') || 'none';
    throw new PublishInputError('app', `Unknown app '${request.app}'. Apps in updateforge.json: ${known}.`);
  }
  if (request.buildType !== undefined && !isBuildType(request.buildType)) {
    throw new PublishInputError('build-type', `Invalid build type '${request.buildType}'. Expected one of: ${BUILD_TYPES.join(', ')}.`);
  }
  return { keep: request.keep, app: request.app, buildType: request.buildType, spare: request.spare };
}

/**
 * Deletes the version's release, found by its tag, with its assets. A release already gone (or
 * replaced by another under the same tag) is not an error: the record is stale either way. One a
 * publish is uploading into right now is left alone.
 */
async function deleteRelease(store: Store, v: PrunedVersion): Promise<'deleted' | 'gone' | 'uploading'> {
  const release = await store.findReleaseByTag(releaseTag(v.app, v.buildType, v.version));
  if (!release || release.id !== v.id) return 'gone';
  if (stateOf(release.body) === 'uploading') return 'uploading';
  await store.deleteRelease(release);
  return 'deleted';
}

/** An error's message as a sentence, so that what follows reads on. */
function sentence(error: unknown): string {
  const text = errorMessage(error).trim();
  return /[.!?]$/.test(text) ? text : `${text}.`;
}

function stateOf(body: string): string | null {
  try {
    return parseReleaseBody(body)?.metadata.state ?? null;
  } catch {
    return null; // damaged or newer metadata: it is still this version's release
  }
}
