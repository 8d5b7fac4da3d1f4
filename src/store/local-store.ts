import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { mkdir, open, readFile, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import lockfile from 'proper-lockfile';
import { z } from 'zod';
import { DEFAULT_BRANCH } from '../defaults.js';
import { describeFsError } from '../util/fs-error.js';
import { HashingStream } from '../util/hashing-stream.js';
import { sweepTemp } from '../util/stale-temp.js';
import { createNewFileStream } from '../util/new-file.js';
import { StoreConflictError, StoreNotFoundError, StoreUnavailableError } from './errors.js';
import { LocalBranch } from './local-branch.js';
import { createFileExclusive, fileStream, tempPath, writeFileAtomic } from './local-files.js';
import type { Store } from './store.js';
import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, Release, ReleasePatch, WriteBranchFile } from './types.js';

const MARKER_FILE = 'updateforge-store.json';
const MARKER = { kind: 'updateforge-local-store', version: 1 };
const ID = /^[0-9a-f]{16}$/;
const STALE_TEMP_MS = 60 * 60 * 1000;
const LOCK_STALE_MS = 10_000;

const AssetSchema = z.object({
  id: z.string().regex(ID),
  name: z.string(),
  label: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  digest: z.string().nullable(),
  state: z.enum(['uploaded', 'incomplete']),
});
const ReleaseSchema = z.object({
  id: z.string().regex(ID),
  tag: z.string(),
  name: z.string(),
  body: z.string(),
  draft: z.boolean(),
  createdAt: z.string(),
  assets: z.array(AssetSchema),
});

/**
 * A feed in a local folder, laid out like what GitHub holds:
 *
 *     updateforge-store.json      marks the folder as a store
 *     releases/<tag>.json         one file per release (tag URI-encoded)
 *     assets/<asset id>           asset bytes
 *     branches/<branch>/...       the manifest branch: manifest.json, icons/
 *     tmp/                        files being written, renamed into place when complete
 *
 * Every change becomes visible in one rename or link, and read-modify-write of a
 * release or a branch file happens under a lock, so concurrent publishers (even
 * separate processes) behave as they would against GitHub.
 */
export class LocalStore implements Store {
  readonly location: string;
  private readonly branchDir: string;
  private readonly branch: LocalBranch;

  private layout: Promise<void> | null = null;

  private constructor(
    private readonly root: string,
    branch: string,
    private readonly exists: boolean,
  ) {
    this.location = root;
    this.branchDir = path.join(root, 'branches', encodeURIComponent(branch));
    this.branch = new LocalBranch(this.branchDir, path.join(root, 'tmp'));
  }

  /** Opens an existing store; StoreUnavailableError when `root` is not one. */
  static async open(root: string, options: { branch?: string } = {}): Promise<LocalStore> {
    const absolute = path.resolve(root);
    try {
      await readFile(path.join(absolute, MARKER_FILE), 'utf8');
    } catch (error) {
      throw new StoreUnavailableError(`No UpdateForge store at '${root}' (${describeFsError(error)}). Publish into it first, or check the path.`);
    }
    const store = new LocalStore(absolute, options.branch ?? DEFAULT_BRANCH, true);
    await store.sweepTemp();
    return store;
  }

  /**
   * Opens the store at `root`, or prepares to create it there when the folder is
   * missing or empty. Nothing is created until the first write, so a publish that
   * fails validation leaves no folder behind.
   */
  static async openOrCreate(root: string, options: { branch?: string } = {}): Promise<LocalStore> {
    const absolute = path.resolve(root);
    const entries: string[] = await readdir(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new StoreUnavailableError(`Cannot use '${root}' as a store: ${describeFsError(error)}.`);
    });
    if (entries.includes(MARKER_FILE)) return LocalStore.open(absolute, options);
    if (entries.length > 0) {
      throw new StoreUnavailableError(`'${root}' is not empty and is not an UpdateForge store (no ${MARKER_FILE}). Choose a new or empty folder.`);
    }
    return new LocalStore(absolute, options.branch ?? DEFAULT_BRANCH, false);
  }

  /** Creates the folder layout on first write (only the missing parts, for a store that exists). */
  private ready(): Promise<void> {
    this.layout ??= (async () => {
      if (!this.exists) {
        await mkdir(this.root, { recursive: true });
        await writeFile(path.join(this.root, MARKER_FILE), `${JSON.stringify(MARKER)}\n`, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      }
      for (const dir of ['releases', 'assets', 'tmp']) await mkdir(path.join(this.root, dir), { recursive: true });
      await mkdir(this.branchDir, { recursive: true });
    })().catch((error: unknown) => {
      this.layout = null;
      throw error;
    });
    return this.layout;
  }

  /** Files left in tmp/ by a writer that was killed (see stale-temp.ts). */
  private async sweepTemp(): Promise<void> {
    await sweepTemp(path.join(this.root, 'tmp'), { staleMs: STALE_TEMP_MS });
  }

  private get tmpDir(): string {
    return path.join(this.root, 'tmp');
  }

  private releasePath(tag: string): string {
    return path.join(this.root, 'releases', `${encodeURIComponent(tag)}.json`);
  }

  private assetPath(assetId: string): string {
    if (!ID.test(assetId)) throw new StoreNotFoundError(`no asset '${assetId}'`);
    return path.join(this.root, 'assets', assetId);
  }

  /** Serialises read-modify-write across processes; held only for a few small file operations. */
  private async locked<T>(work: () => Promise<T>): Promise<T> {
    await this.ready();
    const marker = path.join(this.root, MARKER_FILE);
    const release = await lockfile
      .lock(marker, {
        realpath: false,
        stale: LOCK_STALE_MS,
        retries: { retries: 200, minTimeout: 5, maxTimeout: 100, factor: 1.5 },
        onCompromised: () => {},
      })
      .catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ELOCKED') throw error;
        // A lock is held for milliseconds, and one left by a killed process is taken over after
        // LOCK_STALE_MS; one that outlasts that is dated in the future (clock skew, a network share).
        throw new StoreUnavailableError(
          `The store is locked: '${marker}.lock' stayed held for over ${LOCK_STALE_MS / 1000} s. If no other publish is writing to '${this.root}', delete that folder and publish again.`,
        );
      });
    try {
      return await work();
    } finally {
      await release();
    }
  }

  /** A write the disk refused (full, read-only, no permission) as a message naming the store, the step and the fix. */
  private async writing<T>(step: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException | null)?.code;
      if (code === 'ENOSPC' || code === 'EDQUOT')
        throw new StoreUnavailableError(`No space left to write the store at '${this.root}' (${step}). Free some space and publish again.`, { cause: error });
      if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM')
        throw new StoreUnavailableError(`Cannot write the store at '${this.root}' (${step}): ${describeFsError(error)}.`, { cause: error });
      throw error;
    }
  }

  private async readRelease(file: string): Promise<Release | null> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let raw: unknown = null;
    try {
      raw = JSON.parse(text);
    } catch {
      // reported below, like any other damage
    }
    const parsed = ReleaseSchema.safeParse(raw);
    if (!parsed.success) throw new StoreUnavailableError(`Release file '${path.basename(file)}' in the store is damaged.`);
    return parsed.data;
  }

  private async writeRelease(release: Release): Promise<void> {
    await writeFileAtomic(this.tmpDir, this.releasePath(release.tag), Buffer.from(JSON.stringify(release, null, 2)));
  }

  private async mutateRelease(release: Release, change: (current: Release) => Release): Promise<Release> {
    return this.locked(async () => {
      const current = await this.readRelease(this.releasePath(release.tag));
      if (!current || current.id !== release.id) throw new StoreNotFoundError(`release '${release.tag}' no longer exists`);
      const next = change(current);
      await this.writeRelease(next);
      return next;
    });
  }

  async listReleases(): Promise<Release[]> {
    const dir = path.join(this.root, 'releases');
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.json'));
    const releases = await Promise.all(names.map((n) => this.readRelease(path.join(dir, n))));
    return releases.filter((r): r is Release => r !== null).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  async listTags(prefix: string): Promise<string[]> {
    return (await this.listReleases()).filter((r) => !r.draft && r.tag.startsWith(prefix)).map((r) => r.tag);
  }

  async findReleaseByTag(tag: string): Promise<Release | null> {
    return this.readRelease(this.releasePath(tag));
  }

  createRelease(input: NewRelease): Promise<Release> {
    return this.writing(`creating release ${input.tag}`, () => this.create(input));
  }

  private async create(input: NewRelease): Promise<Release> {
    await this.ready();
    const release: Release = { id: newId(), ...input, createdAt: new Date().toISOString(), assets: [] };
    const created = await createFileExclusive(this.tmpDir, this.releasePath(input.tag), Buffer.from(JSON.stringify(release, null, 2)));
    if (!created) throw new StoreConflictError(`a release with tag '${input.tag}' already exists`);
    return release;
  }

  updateRelease(release: Release, patch: ReleasePatch): Promise<Release> {
    return this.writing(`updating release ${release.tag}`, () => this.mutateRelease(release, (current) => ({ ...current, ...patch })));
  }

  async deleteRelease(release: Release): Promise<void> {
    const removed = await this.locked(async () => {
      const current = await this.readRelease(this.releasePath(release.tag));
      if (!current || current.id !== release.id) return null;
      await unlink(this.releasePath(release.tag));
      return current;
    });
    for (const asset of removed?.assets ?? []) await rm(this.assetPath(asset.id), { force: true });
  }

  uploadAsset(release: Release, upload: AssetUpload): Promise<Asset> {
    return this.writing(`storing '${upload.name}' of release ${release.tag}`, () => this.storeAsset(release, upload));
  }

  private async storeAsset(release: Release, upload: AssetUpload): Promise<Asset> {
    if (release.assets.some((a) => a.name === upload.name)) throw new StoreConflictError(`release '${release.tag}' already has an asset named '${upload.name}'`);
    await this.ready();
    const tmp = tempPath(this.tmpDir);
    try {
      const target = await createNewFileStream(tmp);
      const hashing = new HashingStream((sent) => upload.onProgress?.(sent));
      await pipeline(upload.open(), hashing, target);
      const { size: sent, sha256 } = hashing.digests();
      if (sent !== upload.size) throw new Error(`upload of '${upload.name}' sent ${sent} bytes, expected ${upload.size}`);
      const asset: Asset = {
        id: newId(),
        name: upload.name,
        label: upload.label,
        size: sent,
        contentType: upload.contentType,
        digest: `sha256:${sha256}`,
        state: 'uploaded',
      };
      await rename(tmp, this.assetPath(asset.id));
      try {
        await this.mutateRelease(release, (current) => {
          if (current.assets.some((a) => a.name === asset.name)) throw new StoreConflictError(`release '${release.tag}' already has an asset named '${asset.name}'`);
          return { ...current, assets: [...current.assets, asset] };
        });
      } catch (error) {
        await rm(this.assetPath(asset.id), { force: true });
        throw error;
      }
      return asset;
    } finally {
      await rm(tmp, { force: true });
    }
  }

  async deleteAsset(release: Release, asset: Asset): Promise<void> {
    await this.mutateRelease(release, (current) => ({ ...current, assets: current.assets.filter((a) => a.id !== asset.id) }));
    await rm(this.assetPath(asset.id), { force: true });
  }

  async openAsset(assetId: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const file = this.assetPath(assetId);
    // Not through a link, like branch files (see LocalBranch.read).
    const handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'ENOENT' || error.code === 'ELOOP' ? new StoreNotFoundError(`no asset '${assetId}'`) : error;
    });
    const { size } = await handle.stat();
    return fileStream(handle, size, range);
  }

  /** A folder has no link of its own to hand out: downloads are always served through the API. */
  async assetLink(): Promise<null> {
    return null;
  }

  readBranchFile(file: string, options: { etag?: string } = {}): Promise<BranchFile | 'not-modified' | null> {
    return this.branch.read(file, options);
  }

  writeBranchFile(file: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }> {
    return this.writing(`writing ${file}`, () => this.locked(() => this.branch.write(file, content, options.expectedSha)));
  }

  async deleteBranchFile(file: string, options: { expectedSha: string; message: string }): Promise<void> {
    await this.locked(() => this.branch.delete(file, options.expectedSha));
  }
}

function newId(): string {
  return randomBytes(8).toString('hex');
}
