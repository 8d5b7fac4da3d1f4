import type { Config } from './config.js';
import { indexManifest } from './feed-snapshot.js';
import type { Manifest } from './manifest.js';
import type { CurrentAndPending } from './select.js';
import { BUILD_TYPES, compareVersions, type BuildType } from './version.js';
import type { VersionRecord } from './version-record.js';

/** One version as `updateforge status` shows it. */
export interface StatusVersion {
  readonly id: string;
  readonly version: string;
  readonly name: string;
  readonly created: string;
  readonly public: boolean;
  /** Null for a pending version (no file yet). */
  readonly kind: 'binary' | 'bundle' | null;
  readonly size: number | null;
  /** Share of devices offered a bundle; 100 for everything else. */
  readonly rollout: number;
  /** Times its file was downloaded, as the store counts them; null when the store cannot tell, or there is no file yet. */
  readonly downloads: number | null;
}

/** One app's build type: what testers get, what comes next, what devices get, and the bundles to watch. */
export interface BuildTypeStatus {
  /** Testers' current build: the highest version with a binary (never a bundle). */
  readonly current: StatusVersion | null;
  readonly pending: StatusVersion | null;
  /** The bundle every device gets outside a rollout in progress: the newest at 100%, not yanked. */
  readonly live: StatusVersion | null;
  /** Bundles offered to fewer than 100% of devices (not yanked), newest first. */
  readonly rollouts: readonly StatusVersion[];
  /** Yanked bundles, newest first. */
  readonly yanked: readonly StatusVersion[];
}

export interface AppStatus {
  readonly id: string;
  readonly title: string;
  readonly buildTypes: Readonly<Record<BuildType, BuildTypeStatus>>;
}

export interface TeamStatus {
  readonly id: string;
  readonly name: string;
  readonly apps: readonly AppStatus[];
}

/** The whole feed at a glance: what `updateforge status --json` prints. */
export interface FeedStatus {
  /** The folder or `owner/name`. */
  readonly location: string;
  /** When the manifest was written; null when the feed has none yet. */
  readonly generatedAt: string | null;
  /** Every version the manifest lists, yanked ones included. */
  readonly versions: number;
  readonly teams: readonly TeamStatus[];
}

/**
 * The status of a feed from its manifest (null: none written yet). Teams and apps come in the
 * config's order when one is given (apps with nothing published yet included), else in the
 * manifest's (which is the config's as of the last write). Current and pending are chosen as
 * the server chooses them (`indexManifest`).
 */
export function feedStatus(input: {
  location: string;
  manifest: Manifest | null;
  config?: Config | undefined;
  /** Download counts by asset id (FeedReader.downloadCounts); null or absent: none could be read. */
  downloads?: ReadonlyMap<string, number> | null | undefined;
}): FeedStatus {
  const { manifest, config } = input;
  const snapshot = manifest && indexManifest(manifest);
  const teams = mergeById<{ id: string; name: string }>(config?.teams ?? [], manifest?.teams ?? []);
  const apps = mergeById<{ id: string; team: string; title: string }>(config?.apps ?? [], manifest?.apps ?? []);
  const versions = manifest?.versions ?? [];
  const describe = statusVersionOf(input.downloads ?? null);
  const appStatus = (app: { id: string; title: string }): AppStatus => {
    const selected = snapshot?.currentAndPending.get(app.id);
    const own = versions.filter((v) => v.app === app.id);
    const buildTypes = Object.fromEntries(
      BUILD_TYPES.map((t) => [
        t,
        buildTypeStatus(
          selected?.[t],
          own.filter((v) => v.buildType === t),
          describe,
        ),
      ]),
    ) as Record<BuildType, BuildTypeStatus>;
    return { id: app.id, title: app.title, buildTypes };
  };
  return {
    location: input.location,
    generatedAt: manifest?.generatedAt ?? null,
    versions: versions.length,
    teams: teams.map((team) => ({ id: team.id, name: team.name, apps: apps.filter((a) => a.team === team.id).map(appStatus) })),
  };
}

function buildTypeStatus(selected: CurrentAndPending | undefined, versions: readonly VersionRecord[], describe: (v: VersionRecord) => StatusVersion): BuildTypeStatus {
  const newestFirst = [...versions].sort((a, b) => compareVersions(b.version, a.version));
  const live = newestFirst.find((v) => !v.yanked && v.file?.kind === 'bundle' && (v.rollout ?? 100) === 100);
  return {
    current: selected?.current ? describe(selected.current) : null,
    pending: selected?.pending ? describe(selected.pending) : null,
    live: live ? describe(live) : null,
    rollouts: newestFirst.filter((v) => !v.yanked && v.file?.kind === 'bundle' && (v.rollout ?? 100) < 100).map(describe),
    yanked: newestFirst.filter((v) => v.yanked).map(describe),
  };
}

/** A version as status shows it, with its file's count from `downloads` (by asset id; null: none could be read). */
const statusVersionOf =
  (downloads: ReadonlyMap<string, number> | null) =>
  (v: VersionRecord): StatusVersion => ({
    id: v.id,
    version: v.version,
    name: v.name,
    created: v.created,
    public: v.public,
    kind: v.file?.kind ?? null,
    size: v.file?.size ?? null,
    rollout: v.rollout ?? 100,
    downloads: (v.file && downloads?.get(v.file.assetId)) ?? null,
  });

/** The asset ids of every version with a file: what to ask the store's download counts for. */
export function assetIdsOf(manifest: Manifest | null): string[] {
  return (manifest?.versions ?? []).flatMap((v) => (v.file ? [v.file.assetId] : []));
}

/** `first`, then whatever of `then` it lacks (by id): the config's order, and what only the manifest still has. */
function mergeById<T extends { readonly id: string }>(first: readonly T[], then: readonly T[]): T[] {
  const seen = new Set(first.map((x) => x.id));
  return [...first, ...then.filter((x) => !seen.has(x.id))];
}
