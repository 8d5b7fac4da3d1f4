import { resolveChannels } from '../feed/channels.js';
import type { Manifest, ManifestApp } from '../feed/manifest.js';
import { selectCurrentAndPending, type CurrentAndPending } from '../feed/select.js';
import { BUILD_TYPES, type BuildType } from '../feed/version.js';
import type { VersionRecord } from '../feed/version-record.js';

/** A manifest indexed for the lookups every request makes; built once per manifest change. */
export interface FeedSnapshot {
  readonly manifest: Manifest;
  readonly versionsById: ReadonlyMap<string, VersionRecord>;
  readonly appsById: ReadonlyMap<string, ManifestApp>;
  /** Per app: current and pending of each build type. */
  readonly channels: ReadonlyMap<string, Readonly<Record<BuildType, CurrentAndPending>>>;
  /**
   * Answers derived from this manifest alone (e.g. a team's part of `/api/v1/apps`),
   * computed on first use and reused until the manifest changes.
   */
  readonly memo: Map<string, string | null>;
}

export const EMPTY_MANIFEST: Manifest = { schemaVersion: 1, generatedAt: new Date(0).toISOString(), teams: [], apps: [], channels: resolveChannels(), versions: [] };

/** `compute()` once per snapshot and key. */
export function memoized(snapshot: FeedSnapshot, key: string, compute: () => string | null): string | null {
  if (!snapshot.memo.has(key)) snapshot.memo.set(key, compute());
  return snapshot.memo.get(key) ?? null;
}

export function indexManifest(manifest: Manifest): FeedSnapshot {
  const grouped = new Map<string, VersionRecord[]>();
  for (const v of manifest.versions) {
    const key = `${v.app}\0${v.buildType}`;
    const list = grouped.get(key);
    if (list) list.push(v);
    else grouped.set(key, [v]);
  }
  const channels = new Map<string, Record<BuildType, CurrentAndPending>>();
  for (const app of manifest.apps) {
    const entry = {} as Record<BuildType, CurrentAndPending>;
    for (const buildType of BUILD_TYPES) entry[buildType] = selectCurrentAndPending(grouped.get(`${app.id}\0${buildType}`) ?? []);
    channels.set(app.id, entry);
  }
  return {
    manifest,
    versionsById: new Map(manifest.versions.map((v) => [v.id, v])),
    appsById: new Map(manifest.apps.map((a) => [a.id, a])),
    channels,
    memo: new Map(),
  };
}
