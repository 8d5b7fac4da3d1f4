import type { Asset, AssetUpload, BranchFile, ByteRange, NewRelease, Release, ReleasePatch, WriteBranchFile } from './types.js';

export type * from './types.js';

/**
 * Where a feed lives. The only code that knows whether that is a folder or GitHub;
 * the publish pipeline and the server speak to this interface alone.
 */
export interface Store {
  /** Where the store is, for messages: a folder path or `owner/name`. Never holds a secret. */
  readonly location: string;

  /** Every release, drafts included, newest first. */
  listReleases(): Promise<Release[]>;
  findReleaseByTag(tag: string): Promise<Release | null>;
  /** Fails with StoreConflictError when the tag already has a release. */
  createRelease(release: NewRelease): Promise<Release>;
  updateRelease(release: Release, patch: ReleasePatch): Promise<Release>;
  deleteRelease(release: Release): Promise<void>;

  /** Uploads a new asset; the release must not already have an asset of that name. */
  uploadAsset(release: Release, upload: AssetUpload): Promise<Asset>;
  deleteAsset(release: Release, asset: Asset): Promise<void>;
  /** Streams an asset's bytes (a part of them with `range`); StoreNotFoundError when it is gone. */
  openAsset(assetId: string, range?: ByteRange): Promise<ReadableStream<Uint8Array>>;
  /**
   * A short-lived URL that serves the asset itself without our credentials (GitHub's
   * signed download link), or null when the store has none (a folder).
   */
  assetLink(assetId: string): Promise<string | null>;

  /**
   * Reads a file of the manifest branch: null when absent, `'not-modified'` when
   * `etag` still matches (a free re-check, for caches).
   */
  readBranchFile(path: string, options?: { etag?: string }): Promise<BranchFile | 'not-modified' | null>;
  /** Compare-and-swap write: StoreConflictError when the file's sha is not `expectedSha`. */
  writeBranchFile(path: string, content: Uint8Array, options: WriteBranchFile): Promise<{ sha: string }>;
  /** Compare-and-swap delete. */
  deleteBranchFile(path: string, options: { expectedSha: string; message: string }): Promise<void>;
}
