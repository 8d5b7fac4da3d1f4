import { resolveChannels } from './channels.js';
import type { Manifest, ManifestApp } from './manifest.js';
import { selectCurrentAndPending, type CurrentAndPending } from './select.js';
import { BUILD_TYPES, compareVersions, type BuildType } from './version.js';
import type { VersionRecord } from './version-record.js';

/** A manifest indexed for the lookups every request makes; built once per manifest change. */
export interface FeedSnapshot {
  readonly manifest: Manifest;
  readonly versionsById: ReadonlyMap<string, VersionRecord>;
  readonly appsById: ReadonlyMap<string, ManifestApp>;
  /** Apps by Android package name / iOS bundle id: what the Capgo plugin sends as `app_id`. */
  readonly appsByPackageName: ReadonlyMap<string, ManifestApp>;
  /** Per `app\0buildType`: the live-update bundles devices may be offered (not yanked), newest first. */
  readonly liveBundles: ReadonlyMap<string, readonly VersionRecord[]>;
  /** Per app: the current and pending version of each build type (not the live-update channels: those are `manifest.channels`). */
  readonly currentAndPending: ReadonlyMap<string, Readonly<Record<BuildType, CurrentAndPending>>>;
  /**
   * Answers derived from this manifest alone (e.g. a team's part of `/api/v1/apps`),
   * computed on first use and reused until the manifest changes.
   */
  readonly memo: Map<string, unknown>;
}

export const EMPTY_MANIFEST: Manifest = { schemaVersion: 1, generatedAt: new Date(0).toISOString(), teams: [], apps: [], channels: resolveChannels(), versions: [] };

/** `compute()` once per snapshot and key (a promise is kept too; a rejected one is dropped, to be tried again). */
export function memoized<T>(snapshot: FeedSnapshot, key: string, compute: () => T): T {
  if (!snapshot.memo.has(key)) {
    const value = compute();
    if (value instanceof Promise) value.catch(() => snapshot.memo.delete(key));
    snapshot.memo.set(key, value);
  }
  return snapshot.memo.get(key) as T;
}

export function channelKey(app: string, buildType: BuildType): string {
  return `${app}\0${buildType}`;
}

function liveBundles(versions: readonly VersionRecord[]): Map<string, VersionRecord[]> {
  const out = new Map<string, VersionRecord[]>();
  for (const v of versions) {
    if (v.yanked || v.file?.kind !== 'bundle') continue;
    const key = channelKey(v.app, v.buildType);
    const list = out.get(key);
    if (list) list.push(v);
    else out.set(key, [v]);
  }
  for (const list of out.values()) list.sort((a, b) => compareVersions(b.version, a.version));
  return out;
}

export function indexManifest(manifest: Manifest): FeedSnapshot {
  const grouped = new Map<string, VersionRecord[]>();
  for (const v of manifest.versions) {
    if (v.yanked) continue; // a yanked version is never current or pending again
    const key = channelKey(v.app, v.buildType);
    const list = grouped.get(key);
    if (list) list.push(v);
    else grouped.set(key, [v]);
  }
  const currentAndPending = new Map<string, Record<BuildType, CurrentAndPending>>();
  for (const app of manifest.apps) {
    const entry = {} as Record<BuildType, CurrentAndPending>;
    for (const buildType of BUILD_TYPES) entry[buildType] = selectCurrentAndPending(grouped.get(channelKey(app.id, buildType)) ?? []);
    currentAndPending.set(app.id, entry);
  }
  return {
    manifest,
    versionsById: new Map(manifest.versions.map((v) => [v.id, v])),
    appsById: new Map(manifest.apps.map((a) => [a.id, a])),
    appsByPackageName: new Map(manifest.apps.map((a) => [a.packageName, a])),
    liveBundles: liveBundles(manifest.versions),
    currentAndPending,
    memo: new Map(),
  };
}
