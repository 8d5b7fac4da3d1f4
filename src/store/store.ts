import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, ReadBranchFile, Release, ReleasePatch, WriteBranchFile } from './types.js';

export type * from './types.js';

/**
 * The read half of a feed: what serving it needs (the manifest branch's files and the
 * assets' bytes). The server is typed against this alone, so it cannot write to a feed,
 * and a deployment's token needs only read access.
 */
export interface FeedReader {
  /** Where the store is, for messages: a folder path or `owner/name`. Never holds a secret. */
  readonly location: string;

  /**
   * Streams an asset's bytes (a part of them with `range`); StoreNotFoundError when it is gone.
   * With `expected.size`, a source that answers with another length fails (StoreUnavailableError) before a byte is sent.
   */
  openAsset(assetId: string, range?: ByteRange, expected?: { size?: number }): Promise<ReadableStream<Uint8Array>>;
  /**
   * A short-lived URL that serves the asset itself without our credentials (GitHub's
   * signed download link), or null when the store has none (a folder).
   */
  assetLink(assetId: string): Promise<string | null>;

  /**
   * Reads a file of the manifest branch: null when absent, `'not-modified'` when
   * `etag` still matches (a free re-check, for caches).
   */
  readBranchFile(path: string, options?: ReadBranchFile): Promise<BranchFile | 'not-modified' | null>;

  /**
   * How many times each of `assetIds` has been downloaded, as the store counts it: GitHub's own
   * `download_count` (src/store/github/download-counts.ts), or the folder's counter, which counts
   * an asset opened from its first byte (src/store/local/download-counter.ts). An asset the store
   * cannot tell about is left out of the map; a store that cannot be read fails as its reads do.
   */
  downloadCounts(assetIds: readonly string[]): Promise<ReadonlyMap<string, number>>;
}

/**
 * Where a feed lives, with everything publishing and editing it needs: the reads, the
 * releases, and the writes. The only code that knows whether that is a folder or GitHub
 * implements it; `openStore` (open-store.ts) chooses which.
 */
export interface Store extends FeedReader {
  /** Every release, drafts included, newest first; ReleaseListCapped past what the store will list. */
  listReleases(): Promise<Release[]>;
  /** Tags of published releases that start with `prefix`: how releases past a capped listing are found. */
  listTags(prefix: string): Promise<string[]>;
  findReleaseByTag(tag: string): Promise<Release | null>;
  /** Fails with StoreConflictError when the tag already has a release. */
  createRelease(release: NewRelease): Promise<Release>;
  updateRelease(release: Release, patch: ReleasePatch): Promise<Release>;
  deleteRelease(release: Release): Promise<void>;

  /** Uploads a new asset; the release must not already have an asset of that name. */
  uploadAsset(release: Release, upload: AssetUpload): Promise<Asset>;
  deleteAsset(release: Release, asset: Asset): Promise<void>;

  /** Compare-and-swap write: StoreConflictError when the file's sha is not `expectedSha`. */
  writeBranchFile(path: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }>;
  /** Compare-and-swap delete. */
  deleteBranchFile(path: string, options: { expectedSha: string; message: string }): Promise<void>;
}
