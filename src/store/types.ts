/**
 * What a store holds, in GitHub's own terms: releases with assets, and the files
 * of one branch. The local folder store mirrors exactly this so that the GitHub
 * store slots in behind the same interface.
 */

export interface Asset {
  readonly id: string;
  /** The stored name (GitHub rewrites odd characters; the original goes in `label`). */
  readonly name: string;
  readonly label: string;
  readonly size: number;
  readonly contentType: string;
  /** `sha256:<hex>` as GitHub reports it, or null when the store did not compute one. */
  readonly digest: string | null;
  /** `incomplete`: an upload that never finished (GitHub reports it as `open`, or `starter` in older answers). */
  readonly state: 'uploaded' | 'incomplete';
}

export interface Release {
  readonly id: string;
  readonly tag: string;
  readonly name: string;
  readonly body: string;
  readonly draft: boolean;
  /** ISO 8601 UTC. */
  readonly createdAt: string;
  readonly assets: readonly Asset[];
}

export interface NewRelease {
  readonly tag: string;
  readonly name: string;
  readonly body: string;
  readonly draft: boolean;
  /** The commit the tag is made at once the release is published (on GitHub; else the default branch's head). */
  readonly target?: string | undefined;
}

export interface ReleasePatch {
  readonly name?: string;
  readonly body?: string;
  readonly draft?: boolean;
}

export interface AssetUpload {
  readonly name: string;
  readonly label: string;
  readonly contentType: string;
  readonly size: number;
  /** Opens the bytes afresh; called again for every retry, since a consumed stream cannot be resent. */
  readonly open: () => NodeJS.ReadableStream;
  /** Bytes sent so far, for progress on large files. */
  readonly onProgress?: (sent: number) => void;
}

/** Inclusive byte range, as in an HTTP Range header. */
export interface ByteRange {
  readonly start: number;
  readonly end: number;
}

export interface BranchFile {
  readonly content: Uint8Array;
  /** Git blob sha of the content: what compare-and-swap writes are checked against. */
  readonly sha: string;
  /** Opaque validator for cheap conditional re-reads. */
  readonly etag: string;
}

export interface ReadBranchFile {
  /** The etag of the copy the caller holds: the answer is `'not-modified'` while it still matches. */
  readonly etag?: string | undefined;
  /**
   * The caller keeps the file and re-checks it with the etag it gets back (a cache). A store whose
   * free re-check needs a particular first read (GitHub: the branch's commit sha) makes that read.
   */
  readonly recheck?: boolean;
}

export interface WriteBranchFile {
  /** The sha the file must still have (null: it must not exist yet), or the write fails with StoreConflictError. */
  readonly expectedSha: string | null;
  readonly message: string;
}
