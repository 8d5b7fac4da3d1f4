import type { FeedSnapshot } from '../feed/feed-snapshot.js';
import { platformOf, type Platform } from '../feed/platform.js';
import { BUILD_TYPES, compareVersions, type BuildType } from '../feed/version.js';
import type { VersionRecord } from '../feed/version-record.js';
import { versionObject, type WebApiVersion } from './apps-response.js';

/** One version in the tester page's list: WEB_API.md's six fields, its notes, and what its file is. */
export interface ListedVersion extends WebApiVersion {
  readonly notes: string;
  readonly size: number | null;
  readonly fileName: string | null;
  readonly platform: Platform | null;
}

/** The answer of `GET /api/v1/apps/{app}/versions`. */
export type AppVersions = Record<BuildType, ListedVersion[]>;

function listedVersion(v: VersionRecord): ListedVersion {
  return {
    ...versionObject(v),
    notes: v.notes,
    size: v.file?.size ?? null,
    fileName: v.file?.name ?? null,
    platform: v.file ? platformOf(v.file.name) : null,
  };
}

/**
 * Every version of one app, per build type, newest first by semver: yanked versions are
 * withdrawn and left out, pending ones (no file yet) are listed with `hasFile: false`.
 */
export function appVersions(snapshot: FeedSnapshot, appId: string): AppVersions {
  const out = Object.fromEntries(BUILD_TYPES.map((b) => [b, [] as VersionRecord[]])) as Record<BuildType, VersionRecord[]>;
  for (const v of snapshot.manifest.versions) if (v.app === appId && !v.yanked) out[v.buildType].push(v);
  return Object.fromEntries(BUILD_TYPES.map((b) => [b, out[b].sort((x, y) => compareVersions(y.version, x.version)).map(listedVersion)])) as AppVersions;
}
