import type { Release } from '../store/types.js';
import { DEFAULT_CHANNEL, resolveChannels } from './channels.js';
import { iconBranchPath, type Config } from './config.js';
import { MANIFEST_SCHEMA_VERSION, type Manifest } from './manifest.js';
import { parseReleaseBody } from './release-body.js';
import { isNewerFormatError } from './versioned-format.js';
import { errorMessage } from '../util/error-message.js';
import { BUILD_TYPES, compareVersions, precedenceKey } from './version.js';
import type { FileRecord, VersionRecord } from './version-record.js';

export interface SkippedRelease {
  readonly tag: string;
  readonly reason: string;
}

/** A release's place in the feed: its record, why it has none yet, or nothing (not one of ours). */
type Entry = { readonly record: VersionRecord; readonly tag: string } | SkippedRelease;

function entryOf(release: Release): Entry | null {
  let parsed: ReturnType<typeof parseReleaseBody>;
  try {
    parsed = parseReleaseBody(release.body);
  } catch (error) {
    // A newer UpdateForge's release stops the rebuild (this one would drop what it records); a
    // block damaged by hand only keeps that release out of the feed, and says why.
    if (isNewerFormatError(error)) throw error;
    return { tag: release.tag, reason: `its UpdateForge metadata cannot be read (${errorMessage(error)})` };
  }
  if (parsed === null) return null; // not one of ours: the feed repo may have other releases
  const record = toVersionRecord(release, parsed.metadata, parsed.notes);
  return typeof record === 'string' ? { tag: release.tag, reason: record } : { record, tag: release.tag };
}

/**
 * Rebuilds the whole manifest from the config and the release list. Pure: the same
 * inputs give the same bytes (but `generatedAt`), and a release whose file is not
 * fully there never becomes an entry, so the manifest cannot point at a missing asset.
 */
export function buildManifest(input: { config: Config; releases: readonly Release[]; generatedAt: Date }): { manifest: Manifest; skipped: SkippedRelease[] } {
  const entries = input.releases.map(entryOf).filter((e): e is Entry => e !== null);
  return assembleManifest(input.config, entries, input.generatedAt);
}

/**
 * The manifest `previous` becomes with one release as it now is: its record replaces the one it had
 * (or goes, if it stands for none now), and every other record is kept. What a publish or an edit
 * writes, so that their cost does not grow with the number of releases; the same rules as a rebuild
 * apply (config's apps only, one record per version, the same order), so both give the same feed.
 */
export function withRelease(input: { config: Config; previous: Manifest; release: Release; generatedAt: Date }): { manifest: Manifest; skipped: SkippedRelease[] } {
  const others = input.previous.versions.filter((v) => v.id !== input.release.id).map((record): Entry => ({ record, tag: `release ${record.id}` }));
  const own = entryOf(input.release);
  return assembleManifest(input.config, own ? [...others, own] : others, input.generatedAt);
}

function assembleManifest(config: Config, entries: readonly Entry[], generatedAt: Date): { manifest: Manifest; skipped: SkippedRelease[] } {
  const appOrder = new Map(config.apps.map((app, i) => [app.id, i]));
  const skipped: SkippedRelease[] = [];
  const byIdentity = new Map<string, VersionRecord>();

  for (const entry of entries) {
    if (!('record' in entry)) {
      skipped.push(entry);
      continue;
    }
    const { record, tag } = entry;
    if (!appOrder.has(record.app)) {
      skipped.push({ tag, reason: `app '${record.app}' is not in updateforge.json` });
      continue;
    }
    const identity = `${record.app}\0${record.buildType}\0${precedenceKey(record.version)}`;
    const other = byIdentity.get(identity);
    if (other && other.created >= record.created) {
      skipped.push({ tag, reason: `same version as release ${other.id}` });
      continue;
    }
    if (other) skipped.push({ tag: `release ${other.id}`, reason: `same version as ${tag}` });
    byIdentity.set(identity, record);
  }

  const versions = [...byIdentity.values()].sort(
    (a, b) =>
      (appOrder.get(a.app) ?? 0) - (appOrder.get(b.app) ?? 0) || BUILD_TYPES.indexOf(a.buildType) - BUILD_TYPES.indexOf(b.buildType) || compareVersions(b.version, a.version),
  );

  const manifest: Manifest = {
    schemaVersion: MANIFEST_SCHEMA_VERSION,
    generatedAt: generatedAt.toISOString(),
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
function toVersionRecord(release: Release, meta: NonNullable<ReturnType<typeof parseReleaseBody>>['metadata'], notes: string): VersionRecord | string {
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
      return { ...base, file: withUsableFileList(file, release) };
    }
  }
}

/** A file list whose asset is gone (deleted by hand) is left out: its bundle is then offered as a whole zip, as before delta updates. */
function withUsableFileList(file: FileRecord, release: Release): FileRecord {
  if (!file.files) return file;
  const ref = file.files;
  if (release.assets.some((a) => a.id === ref.assetId && a.state === 'uploaded' && a.size === ref.size)) return file;
  const { files: _gone, ...rest } = file;
  return rest;
}
