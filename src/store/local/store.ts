import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { DEFAULT_BRANCH } from '../../defaults.js';
import { describeFsError } from '../../util/fs-error.js';
import { sweepTemp } from '../../util/stale-temp.js';
import { StoreUnavailableError } from '../errors.js';
import type { Store } from '../store.js';
import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, Release, ReleasePatch, WriteBranchFile } from '../types.js';
import { LocalAssets } from './assets.js';
import { LocalBranch } from './branch.js';
import { LocalDownloadCounter } from './download-counter.js';
import { MARKER_FILE, StoreLayout } from './layout.js';
import { StoreLock, systemClock, type StoreClock } from './lock.js';
import { LocalReleases } from './releases.js';

const STALE_TEMP_MS = 60 * 60 * 1000;

export interface LocalStoreOptions {
  /** The manifest branch; default DEFAULT_BRANCH. */
  readonly branch?: string | undefined;
  /** Release dates and the wait for a held lock; default the real clock. Tests pass one whose sleep moves time on. */
  readonly clock?: StoreClock | undefined;
}

/**
 * A feed in a local folder, laid out like what GitHub holds:
 *
 *     updateforge-store.json      marks the folder as a store
 *     releases/<tag>.json         one file per release (tag URI-encoded)
 *     assets/<asset id>           asset bytes
 *     branches/<branch>/...       the manifest branch: manifest.json, icons/
 *     downloads/<asset id>        an asset's download count: one byte per download (download-counter.ts)
 *     tmp/                        files being written, renamed into place when complete
 *
 * Every change becomes visible in one rename or link, and read-modify-write of a
 * release or a branch file happens under a lock, so concurrent publishers (even
 * separate processes) behave as they would against GitHub.
 */
export class LocalStore implements Store {
  readonly location: string;
  private readonly layout: StoreLayout;
  private readonly lock: StoreLock;
  private readonly releases: LocalReleases;
  private readonly assets: LocalAssets;
  private readonly branch: LocalBranch;
  private readonly downloads: LocalDownloadCounter;

  private constructor(root: string, exists: boolean, options: LocalStoreOptions) {
    const clock = options.clock ?? systemClock;
    this.location = root;
    this.layout = new StoreLayout(root, options.branch ?? DEFAULT_BRANCH, exists);
    this.lock = new StoreLock(this.layout, clock);
    this.releases = new LocalReleases(this.layout, this.lock, clock.now);
    this.assets = new LocalAssets(this.layout, this.releases);
    this.branch = new LocalBranch(this.layout.branchDir, this.layout.tmpDir);
    this.downloads = new LocalDownloadCounter(this.layout);
  }

  /** Opens an existing store; StoreUnavailableError when `root` is not one. */
  static async open(root: string, options: LocalStoreOptions = {}): Promise<LocalStore> {
    const absolute = path.resolve(root);
    try {
      await readFile(path.join(absolute, MARKER_FILE), 'utf8');
    } catch (error) {
      throw new StoreUnavailableError(`No UpdateForge store at '${root}' (${describeFsError(error)}). Publish into it first, or check the path.`, { cause: error });
    }
    const store = new LocalStore(absolute, true, options);
    // Files left in tmp/ by a writer that was killed (see stale-temp.ts).
    await sweepTemp(store.layout.tmpDir, { staleMs: STALE_TEMP_MS });
    return store;
  }

  /**
   * Opens the store at `root`, or prepares to create it there when the folder is
   * missing or empty. Nothing is created until the first write, so a publish that
   * fails validation leaves no folder behind.
   */
  static async openOrCreate(root: string, options: LocalStoreOptions = {}): Promise<LocalStore> {
    const absolute = path.resolve(root);
    const entries: string[] = await readdir(absolute).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw new StoreUnavailableError(`Cannot use '${root}' as a store: ${describeFsError(error)}.`);
    });
    if (entries.includes(MARKER_FILE)) return LocalStore.open(absolute, options);
    if (entries.length > 0) {
      throw new StoreUnavailableError(`'${root}' is not empty and is not an UpdateForge store (no ${MARKER_FILE}). Choose a new or empty folder.`);
    }
    return new LocalStore(absolute, false, options);
  }

  listReleases(): Promise<Release[]> {
    return this.releases.list();
  }

  async listTags(prefix: string): Promise<string[]> {
    return (await this.releases.list()).filter((r) => !r.draft && r.tag.startsWith(prefix)).map((r) => r.tag);
  }

  findReleaseByTag(tag: string): Promise<Release | null> {
    return this.releases.find(tag);
  }

  createRelease(input: NewRelease): Promise<Release> {
    return this.layout.writing(`creating release ${input.tag}`, () => this.releases.create(input));
  }

  updateRelease(release: Release, patch: ReleasePatch): Promise<Release> {
    return this.layout.writing(`updating release ${release.tag}`, () => this.releases.mutate(release, (current) => ({ ...current, ...patch })));
  }

  async deleteRelease(release: Release): Promise<void> {
    const removed = await this.releases.delete(release);
    for (const asset of removed?.assets ?? []) await this.assets.removeBytes(asset.id);
  }

  uploadAsset(release: Release, upload: AssetUpload): Promise<Asset> {
    return this.layout.writing(`storing '${upload.name}' of release ${release.tag}`, () => this.assets.upload(release, upload));
  }

  deleteAsset(release: Release, asset: Asset): Promise<void> {
    return this.assets.delete(release, asset);
  }

  /**
   * Opening an asset from its first byte (no range, or one starting at 0) counts a download, as the
   * request of a whole file does; a resumed download (a range further on) is the same download, not counted again.
   */
  async openAsset(assetId: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>> {
    const bytes = await this.assets.open(assetId, range);
    if (!range || range.start === 0) await this.downloads.count(assetId);
    return bytes;
  }

  /** The folder's own counts (download-counter.ts): 0 for an asset never downloaded. */
  downloadCounts(assetIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    return this.downloads.read(assetIds);
  }

  /** A folder has no link of its own to hand out: downloads are always served through the API. */
  async assetLink(): Promise<null> {
    return null;
  }

  readBranchFile(file: string, options: { etag?: string } = {}): Promise<BranchFile | 'not-modified' | null> {
    return this.branch.read(file, options);
  }

  writeBranchFile(file: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }> {
    return this.layout.writing(`writing ${file}`, () => this.lock.hold(() => this.branch.write(file, content, options.expectedSha)));
  }

  async deleteBranchFile(file: string, options: { expectedSha: string; message: string }): Promise<void> {
    await this.lock.hold(() => this.branch.delete(file, options.expectedSha));
  }
}
