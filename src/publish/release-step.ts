import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import path from 'node:path';
import { parseReleaseBody, releaseTag, releaseTitle, renderReleaseBody, type ReleaseMetadata } from '../feed/release-body.js';
import { nextPatch } from '../feed/version.js';
import { fileListName } from '../feed/bundle-files.js';
import type { FileRecord } from '../feed/version-record.js';
import { StoreConflictError } from '../store/errors.js';
import type { Store } from '../store/store.js';
import type { Asset, Release } from '../store/types.js';
import { DigestMismatchError, VersionConflictError } from './errors.js';
import type { ValidPublishRequest } from './inputs.js';
import type { PackagedArtifact } from './package.js';
import type { UndoLog } from './undo.js';
import { UpdateForgeError } from '../errors.js';

/**
 * - `published`: the version has its file now (new, or a pending version completed)
 * - `registered`: a pending version (no file) was created
 * - `updated`: only name, notes or public changed
 * - `unchanged`: everything was already so (a re-run)
 * - `replaced`: the file was overwritten with other bytes
 */
export type ReleaseOutcome = 'published' | 'registered' | 'updated' | 'unchanged' | 'replaced';

export interface ReleaseStep {
  readonly outcome: ReleaseOutcome;
  readonly release: Release;
  /** Assets to delete once the manifest no longer points at them. */
  readonly obsoleteAssets: readonly Asset[];
}

interface StepContext {
  readonly store: Store;
  readonly request: ValidPublishRequest;
  readonly artifact: PackagedArtifact | null;
  readonly now: Date;
  readonly undo: UndoLog;
  readonly onUploadProgress?: ((sent: number, total: number) => void) | undefined;
  /** Told what the maintainer should know but that does not stop the publish. */
  readonly warn?: ((message: string) => void) | undefined;
  /** The commit the build was made from: the release's tag is made there. */
  readonly commit?: string | undefined;
  /** Checks a file before it becomes the version's (throws to refuse it); a re-run with the same bytes is not checked again. */
  readonly admitFile?: ((artifact: PackagedArtifact) => void) | undefined;
}

/**
 * Creates or updates the version's release so that it holds `artifact`. Idempotent:
 * the same bytes again change nothing; other bytes need `overwrite`. Every change is
 * recorded in `undo` until the release is published (not draft), which happens only
 * once its asset is uploaded and verified and is the point of no return.
 */
export async function applyRelease(ctx: StepContext): Promise<ReleaseStep> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyOnce(ctx);
    } catch (error) {
      // Another publish created this version's release between our look-up and our create: look again.
      if (!(error instanceof TagTaken) || attempt >= 3) throw error instanceof TagTaken ? error.cause : error;
    }
  }
}

class TagTaken extends UpdateForgeError {
  override readonly name = 'TagTaken';
  readonly kind = 'conflict';
}

async function applyOnce(ctx: StepContext): Promise<ReleaseStep> {
  const { store, request } = ctx;
  const tag = releaseTag(request.app.id, request.buildType, request.version);
  const release = await store.findReleaseByTag(tag);
  const parsed = release ? parseReleaseBody(release.body) : null;
  if (release && !parsed) {
    throw new VersionConflictError(`A release tagged '${tag}' exists but was not made by UpdateForge. Delete it, or publish another version.`);
  }
  const prior = parsed?.metadata ?? null;
  const notes = ctx.request.notes ?? parsed?.notes ?? '';
  const base = {
    updateforge: 1 as const,
    app: request.app.id,
    buildType: request.buildType,
    version: request.version,
    name: request.name ?? prior?.name ?? '',
    public: request.public ?? prior?.public ?? false,
    created: prior?.created ?? ctx.now.toISOString(),
    ...optional('rollout', request.rollout ?? prior?.rollout),
    ...optional('yanked', prior?.yanked),
  };

  if (release && prior?.state === 'published' && prior.file) return republish(ctx, release, prior, prior.file, base, notes);
  if (!ctx.artifact) return registerPending(ctx, release, prior, base, notes, tag);
  return attachFile(ctx, release, ctx.artifact, base, notes, tag);
}

type Base = Omit<ReleaseMetadata, 'state' | 'file'>;

/** A version that already has its file: a no-op, a metadata edit, or (with overwrite) new bytes. */
async function republish(ctx: StepContext, release: Release, prior: ReleaseMetadata, priorFile: FileRecord, base: Base, notes: string): Promise<ReleaseStep> {
  const { artifact, request } = ctx;
  // An encrypted bundle differs at every run (fresh key and IV): what counts is the zip inside.
  const priorContent = priorFile.encryption?.plainSha256 ?? priorFile.sha256;
  const sameBytes = !artifact || artifact.contentSha256 === priorContent;
  if (artifact && artifact.kind !== priorFile.kind) throw await kindConflict(ctx.store, request, priorFile, artifact.kind);
  if (!ctx.request.overwrite) {
    if (prior.version !== request.version) {
      throw new VersionConflictError(
        `${request.app.id} ${request.buildType} is already published as ${prior.version}, which has the same precedence as ${request.version} (semver ignores build metadata). Publish a new version, or pass --overwrite to replace it.`,
      );
    }
    if (!sameBytes) {
      throw new VersionConflictError(
        `${request.app.id} ${request.buildType} ${request.version} is already published with different bytes (sha256 ${priorContent.slice(0, 12)}…, new ${artifact.contentSha256.slice(0, 12)}…). Publish a new version, or pass --overwrite to replace it.`,
      );
    }
  }
  if (sameBytes) {
    const desired: ReleaseMetadata = { ...base, state: 'published', file: { ...priorFile, ...optional('minNativeVersion', request.minNativeVersion) } };
    const changed = await updateIfDifferent(ctx, release, desired, notes, false);
    return { outcome: changed ? 'updated' : 'unchanged', release: changed ?? release, obsoleteAssets: [] };
  }
  ctx.admitFile?.(artifact);
  const asset = await upload(ctx, release, artifactSource(artifact));
  const files = await uploadFileList(ctx, release, asset, artifact);
  const desired: ReleaseMetadata = { ...base, state: 'published', file: fileRecord(asset, artifact, request, files) };
  const updated = (await updateIfDifferent(ctx, release, desired, notes, false)) ?? release;
  return { outcome: 'replaced', release: updated, obsoleteAssets: release.assets.filter((a) => a.id !== asset.id && a.id !== files?.assetId) };
}

const KIND_NAMES = { binary: 'an app binary', bundle: 'a live-update bundle' } as const;

/** Even `overwrite` may not turn testers' build into devices' bundle (or back): each kind needs a version of its own. */
async function kindConflict(store: Store, request: ValidPublishRequest, prior: FileRecord, kind: FileRecord['kind']): Promise<VersionConflictError> {
  return new VersionConflictError(
    `${request.app.id} ${request.buildType} ${request.version} holds ${KIND_NAMES[prior.kind]} (${prior.name}), and ${KIND_NAMES[kind]} cannot replace it: binaries and bundles of an app and build type share one version line (testers get the highest binary, devices the highest bundle). Publish the ${kind === 'bundle' ? 'bundle' : 'binary'} as a version of its own, e.g. ${await nextFreeVersion(store, request)}.`,
  );
}

/** The next patch version above `request.version` that this app and build type have no release of, for a suggestion. */
async function nextFreeVersion(store: Store, request: ValidPublishRequest): Promise<string> {
  const taken = new Set(await store.listTags(releaseTag(request.app.id, request.buildType, '')).catch(() => []));
  let candidate = nextPatch(request.version);
  for (let i = 0; i < 1000 && taken.has(releaseTag(request.app.id, request.buildType, candidate)); i++) candidate = nextPatch(candidate);
  return candidate;
}

/** No file: create (or keep) the version as a pending draft. */
async function registerPending(ctx: StepContext, release: Release | null, prior: ReleaseMetadata | null, base: Base, notes: string, tag: string): Promise<ReleaseStep> {
  const desired: ReleaseMetadata = { ...base, state: 'pending', file: null };
  if (!release) {
    const created = await create(ctx, tag, desired, notes);
    return { outcome: 'registered', release: created, obsoleteAssets: [] };
  }
  const changed = await updateIfDifferent(ctx, release, desired, notes, true);
  const outcome = !changed ? 'unchanged' : prior?.state === 'pending' ? 'updated' : 'registered';
  // Assets of an earlier publish that was interrupted before it finished.
  return { outcome, release: changed ?? release, obsoleteAssets: release.assets };
}

/** A new version, a pending one getting its file, or an interrupted publish being finished. */
async function attachFile(ctx: StepContext, existing: Release | null, artifact: PackagedArtifact, base: Base, notes: string, tag: string): Promise<ReleaseStep> {
  ctx.admitFile?.(artifact);
  const release = existing ?? (await create(ctx, tag, { ...base, state: 'uploading', file: null }, notes));
  const digest = `sha256:${artifact.sha256}`;
  // An interrupted earlier run may have uploaded these very bytes already.
  const asset = release.assets.find((a) => a.state === 'uploaded' && a.digest === digest && a.size === artifact.size) ?? (await upload(ctx, release, artifactSource(artifact)));
  const files = await uploadFileList(ctx, release, asset, artifact);
  const desired: ReleaseMetadata = { ...base, state: 'published', file: fileRecord(asset, artifact, ctx.request, files) };
  const updated = (await updateIfDifferent(ctx, release, desired, notes, false)) ?? release;
  return { outcome: 'published', release: updated, obsoleteAssets: release.assets.filter((a) => a.id !== asset.id && a.id !== files?.assetId) };
}

async function create(ctx: StepContext, tag: string, meta: ReleaseMetadata, notes: string): Promise<Release> {
  const release = await ctx.store
    .createRelease({ tag, name: releaseTitle(meta), body: renderReleaseBody(notes, meta), draft: true, target: ctx.commit })
    .catch((error: unknown) => {
      throw error instanceof StoreConflictError ? new TagTaken(error.message, { cause: error }) : error;
    });
  ctx.undo.push(`delete release ${tag}`, () => ctx.store.deleteRelease(release));
  return release;
}

/** Brings the release's title, body and draft flag to what `meta` says; null when they already were. */
async function updateIfDifferent(ctx: StepContext, release: Release, meta: ReleaseMetadata, notes: string, draft: boolean): Promise<Release | null> {
  const patch = { name: releaseTitle(meta), body: renderReleaseBody(notes, meta), draft };
  if (release.name === patch.name && release.body === patch.body && release.draft === patch.draft) return null;
  const updated = await ctx.store.updateRelease(release, patch);
  if (release.draft && !draft) {
    // Published: its tag now exists, and on a repository with immutable releases deleting the release
    // would burn that tag for good, so the rest is finished by a re-run instead of undone.
    ctx.undo.commit(`release ${release.tag} published`);
    return updated;
  }
  ctx.undo.push(`restore release ${release.tag}`, async () => {
    await ctx.store.updateRelease(updated, { name: release.name, body: release.body, draft: release.draft });
  });
  return updated;
}

/** Bytes to store as an asset: a build, or a bundle's file list. */
interface UploadSource {
  /** The name testers see (the asset's label); the stored name is made from it. */
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
  readonly open: () => NodeJS.ReadableStream;
}

const artifactSource = (artifact: PackagedArtifact): UploadSource => ({ ...artifact, open: () => createReadStream(artifact.file) });

async function upload(ctx: StepContext, release: Release, source: UploadSource, name = assetName(source, release.assets)): Promise<Asset> {
  const stale = release.assets.find((a) => a.name === name);
  // Same name and hash prefix but not reusable: the remains of a broken upload.
  if (stale) await ctx.store.deleteAsset(release, stale);
  const asset = await ctx.store.uploadAsset(release, {
    name,
    label: source.name,
    contentType: source.contentType,
    size: source.size,
    open: source.open,
    onProgress: (sent) => ctx.onUploadProgress?.(sent, source.size),
  });
  ctx.undo.push(`delete asset ${name}`, () => ctx.store.deleteAsset(release, asset));
  if (asset.digest === null) {
    // Only the size is left to check; silence here would claim a verification that never happened.
    if (asset.size !== source.size) throw new DigestMismatchError(`The store holds ${asset.size} bytes for '${source.name}', not the ${source.size} uploaded. Publish again.`);
    ctx.warn?.(
      `GitHub reported no digest for '${source.name}' (assets uploaded before June 2025 and older GitHub Enterprise Servers have none): only its size was checked, not its bytes.`,
    );
  } else if (asset.digest !== `sha256:${source.sha256}`) {
    throw new DigestMismatchError(`The store holds other bytes than were uploaded for '${source.name}' (${asset.digest}, expected sha256:${source.sha256}). Publish again.`);
  }
  return asset;
}

/**
 * Stores a bundle's file list next to its zip, under the zip's stored name (each overwrite's zip
 * has its own, so its list does too). One an interrupted run already stored is kept.
 */
async function uploadFileList(ctx: StepContext, release: Release, zip: Asset, artifact: PackagedArtifact): Promise<FileRecord['files']> {
  const list = artifact.fileList;
  if (!list) return undefined;
  const sha256 = createHash('sha256').update(list.bytes).digest('hex');
  const name = fileListName(zip.name);
  const source: UploadSource = { name, contentType: 'application/json', size: list.bytes.length, sha256, open: () => Readable.from([Buffer.from(list.bytes)]) };
  const asset = release.assets.find((a) => a.name === name && a.state === 'uploaded' && a.digest === `sha256:${sha256}`) ?? (await upload(ctx, release, source, name));
  return { assetId: asset.id, size: list.bytes.length, sha256, count: list.count };
}

/**
 * The stored name: GitHub would rename odd characters anyway (the original stays in
 * the label), and a second asset in the same release (an overwrite) needs its own name.
 */
function assetName(artifact: Pick<UploadSource, 'name' | 'sha256'>, existing: readonly Asset[]): string {
  const plain =
    artifact.name
      .replace(/[^A-Za-z0-9._-]+/g, '.')
      .replace(/\.{2,}/g, '.')
      .replace(/^\.+|\.+$/g, '') || 'artifact';
  if (!existing.some((a) => a.name === plain)) return plain;
  const ext = path.extname(plain);
  return `${plain.slice(0, plain.length - ext.length)}-${artifact.sha256.slice(0, 12)}${ext}`;
}

function fileRecord(asset: Asset, artifact: PackagedArtifact, request: ValidPublishRequest, files: FileRecord['files']): FileRecord {
  return {
    assetId: asset.id,
    name: artifact.name,
    size: artifact.size,
    sha256: artifact.sha256,
    contentType: artifact.contentType,
    kind: artifact.kind,
    ...optional('crc32', artifact.crc32),
    ...optional('encryption', artifact.encryption),
    ...optional('minNativeVersion', request.minNativeVersion),
    ...optional('files', files),
  };
}

/** `{[key]: value}` when value is set, else nothing: keeps absent fields out of the JSON. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [key]: value } as { [P in K]: V });
}
