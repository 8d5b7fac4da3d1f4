import type { Release } from '../store/types.js';
import { DEFAULT_CHANNEL, resolveChannels } from './channels.js';
import { iconBranchPath, type Config } from './config.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from './manifest.js';
import { parseReleaseBody } from './release-body.js';
import { BUILD_TYPES, compareVersions, precedenceKey } from './version.js';
import type { VersionRecord } from './version-record.js';

export interface SkippedRelease {
  readonly tag: string;
  readonly reason: string;
}

/**
 * Rebuilds the whole manifest from the config and the release list. Pure: the same
 * inputs give the same bytes (but `generatedAt`), and a release whose file is not
 * fully there never becomes an entry, so the manifest cannot point at a missing asset.
 */
export function buildManifest(input: {
  config: Config;
  releases: readonly Release[];
  generatedAt: Date;
}): { manifest: Manifest; skipped: SkippedRelease[] } {
  const { config, releases } = input;
  const appOrder = new Map(config.apps.map((app, i) => [app.id, i]));
  const skipped: SkippedRelease[] = [];
  const byIdentity = new Map<string, VersionRecord>();

  for (const release of releases) {
    const parsed = parseReleaseBody(release.body);
    if (parsed === null) continue; // not one of ours: the feed repo may have other releases
    const record = toVersionRecord(release, parsed.metadata, parsed.notes);
    if (typeof record === 'string') {
      skipped.push({ tag: release.tag, reason: record });
      continue;
    }
    if (!appOrder.has(record.app)) {
      skipped.push({ tag: release.tag, reason: `app '${record.app}' is not in updateforge.json` });
      continue;
    }
    const identity = `${record.app}\0${record.buildType}\0${precedenceKey(record.version)}`;
    const other = byIdentity.get(identity);
    if (other && other.created >= record.created) {
      skipped.push({ tag: release.tag, reason: `same version as release ${other.id}` });
      continue;
    }
    if (other) skipped.push({ tag: `release ${other.id}`, reason: `same version as ${release.tag}` });
    byIdentity.set(identity, record);
  }

  const versions = [...byIdentity.values()].sort(
    (a, b) =>
      (appOrder.get(a.app) ?? 0) - (appOrder.get(b.app) ?? 0) ||
      BUILD_TYPES.indexOf(a.buildType) - BUILD_TYPES.indexOf(b.buildType) ||
      compareVersions(b.version, a.version),
  );

  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    generatedAt: input.generatedAt.toISOString(),
    teams: config.teams.map(({ id, name }) => ({ id, name })),
    apps: config.apps.map((app) => ({
      id: app.id,
      team: app.team,
      title: app.title,
      packageName: app.packageName,
      icon: iconBranchPath(app),
      defaultChannel: app.defaultChannel ?? DEFAULT_CHANNEL,
      ...(app.encryptedBundles === undefined ? {} : { encryptedBundles: app.encryptedBundles }),
    })),
    channels: resolveChannels(config.channels),
    versions,
  };
  return { manifest, skipped };
}

/** The record a release stands for, or why it stands for none (yet). */
function toVersionRecord(
  release: Release,
  meta: NonNullable<ReturnType<typeof parseReleaseBody>>['metadata'],
  notes: string,
): VersionRecord | string {
  const base = {
    id: release.id,
    app: meta.app,
    buildType: meta.buildType,
    version: meta.version,
    name: meta.name,
    public: meta.public,
    created: meta.created,
    notes,
    ...(meta.rollout !== undefined && meta.rollout !== 100 ? { rollout: meta.rollout } : {}),
    ...(meta.yanked ? { yanked: true } : {}),
  };
  switch (meta.state) {
    case 'pending':
      return { ...base, file: null };
    case 'uploading':
      return 'its upload has not finished';
    case 'published': {
      const file = meta.file;
      if (file === null) return 'published without a file';
      if (release.draft) return 'still a draft';
      const asset = release.assets.find((a) => a.id === file.assetId);
      if (!asset || asset.state !== 'uploaded' || asset.size !== file.size) return `its asset ${file.assetId} is missing or incomplete`;
      return { ...base, file };
    }
  }
}
