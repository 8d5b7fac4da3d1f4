import { iconPath } from '../feed/api-paths.js';
import type { ManifestApp } from '../feed/manifest.js';
import { BUILD_TYPES } from '../feed/version.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { FeedSnapshot } from '../feed/feed-snapshot.js';

/** The six fields of a version object, exactly as WEB_API.md lists them. */
export function versionObject(v: VersionRecord): WebApiVersion;
export function versionObject(v: VersionRecord | null): WebApiVersion | null;
export function versionObject(v: VersionRecord | null): WebApiVersion | null {
  if (v === null) return null;
  return {
    id: v.id,
    version: v.version,
    name: v.name,
    public: v.public,
    hasFile: v.file !== null,
    // WEB_API.md shows second precision: "2026-01-15T10:30:00Z".
    created: new Date(v.created).toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** A version object of WEB_API.md. */
export interface WebApiVersion {
  readonly id: string;
  readonly version: string;
  readonly name: string;
  readonly public: boolean;
  readonly hasFile: boolean;
  readonly created: string;
}

/** Root-relative URL of an app's icon, or "" when it has none. */
function iconUrl(app: ManifestApp): string {
  return app.icon ? iconPath(app.id, app.icon) : '';
}

function appObject(app: ManifestApp, snapshot: FeedSnapshot) {
  const byBuildType = snapshot.currentAndPending.get(app.id);
  const out: Record<string, unknown> = { id: app.id, title: app.title, packageName: app.packageName, icon: iconUrl(app) };
  for (const buildType of BUILD_TYPES) {
    const versions = byBuildType?.[buildType];
    out[buildType] = { current: versionObject(versions?.current ?? null), pending: versionObject(versions?.pending ?? null) };
  }
  return out;
}

/** One team of the `/api/v1/apps` answer, as JSON text: `{id, name, apps: [...]}`. */
export function teamJson(snapshot: FeedSnapshot, teamId: string): string | null {
  const team = snapshot.manifest.teams.find((t) => t.id === teamId);
  if (!team) return null;
  const apps = snapshot.manifest.apps.filter((app) => app.team === team.id).map((app) => appObject(app, snapshot));
  return JSON.stringify({ id: team.id, name: team.name, apps });
}
