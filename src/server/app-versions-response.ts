import { memoized, type FeedSnapshot } from '../feed/feed-snapshot.js';
import { platformOf, type Platform } from '../feed/platform.js';
import { BUILD_TYPES, compareVersions, type BuildType } from '../feed/version.js';
import type { VersionRecord } from '../feed/version-record.js';
import { versionObject, type WebApiVersion } from './apps-response.js';

/**
 * One version in the tester page's list: WEB_API.md's six fields, its notes, what its file is, and
 * how often it was downloaded (this route is ours, so it may say more than WEB_API.md's objects).
 */
export interface ListedVersion extends WebApiVersion {
  readonly notes: string;
  readonly size: number | null;
  readonly fileName: string | null;
  readonly platform: Platform | null;
  /** As the store counts them (FeedReader.downloadCounts), up to the server's count cache old; null when it cannot tell, or there is no file. */
  readonly downloads: number | null;
}

/** The answer of `GET /api/v1/apps/{app}/versions`. */
export type AppVersions = Record<BuildType, ListedVersion[]>;

type Listed = { readonly assetId: string | null; readonly version: Omit<ListedVersion, 'downloads'> };

function listedVersion(v: VersionRecord): Listed {
  return {
    assetId: v.file?.assetId ?? null,
    version: {
      ...versionObject(v),
      notes: v.notes,
      size: v.file?.size ?? null,
      fileName: v.file?.name ?? null,
      platform: v.file ? platformOf(v.file.name) : null,
    },
  };
}

/**
 * Every version of one app that testers can install, per build type, newest first by semver:
 * yanked versions are withdrawn and live-update bundles are for devices (select.ts), so both are
 * left out; pending ones (no file yet) are listed with `hasFile: false`. The list
 * is made once per manifest and app; the counts (by asset id, null: none known) are added to it.
 */
export function appVersions(snapshot: FeedSnapshot, appId: string, downloads: ReadonlyMap<string, number> | null = null): AppVersions {
  const lists = memoized(snapshot, `app-versions:${appId}`, () => {
    const out = Object.fromEntries(BUILD_TYPES.map((b) => [b, [] as VersionRecord[]])) as Record<BuildType, VersionRecord[]>;
    for (const v of snapshot.manifest.versions) if (v.app === appId && !v.yanked && v.file?.kind !== 'bundle') out[v.buildType].push(v);
    return Object.fromEntries(BUILD_TYPES.map((b) => [b, out[b].sort((x, y) => compareVersions(y.version, x.version)).map(listedVersion)])) as Record<BuildType, Listed[]>;
  });
  const counted = ({ assetId, version }: Listed): ListedVersion => ({ ...version, downloads: assetId === null ? null : (downloads?.get(assetId) ?? null) });
  return Object.fromEntries(BUILD_TYPES.map((b) => [b, lists[b].map(counted)])) as AppVersions;
}
