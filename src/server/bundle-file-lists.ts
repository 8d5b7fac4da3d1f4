import { createHash } from 'node:crypto';
import { parseBundleFiles, type BundleFile } from '../feed/bundle-files.js';
import type { FileRecord } from '../feed/version-record.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { FeedReader } from '../store/store.js';

/** A bundle's file list as served: its files in order, and by the name a device asks for. */
export interface FileList {
  readonly files: readonly BundleFile[];
  readonly byName: ReadonlyMap<string, BundleFile>;
}

/** A bundle published with a file list (feed/version-record.ts `files`). */
export type ListedBundle = FileRecord & { readonly files: NonNullable<FileRecord['files']> };

export const hasFileList = (file: FileRecord): file is ListedBundle => file.files !== undefined;

/** Files held across all cached lists: a few hundred typical bundles, or a handful of huge ones. */
const MAX_FILES_HELD = 200_000;
/**
 * How long a list that could not be read is not asked for again. Update checks meanwhile offer the
 * whole zip at once, instead of each waiting out a store that is failing (GitHub down or slow).
 */
const RETRY_AFTER_MS = 30_000;

/**
 * The file lists of the bundles devices are being offered, read from the store once and held in
 * memory (bounded, least recently used first out). Lists never change: a replaced bundle has a
 * new list asset. Only the lists are held, never a file's bytes. A failed read is remembered for
 * RETRY_AFTER_MS, then tried again.
 */
export class BundleFileLists {
  private readonly held = new Map<string, Promise<FileList>>();
  private readonly sizes = new Map<string, number>();
  private readonly failed = new Map<string, { readonly at: number; readonly error: unknown }>();
  private filesHeld = 0;

  constructor(
    private readonly store: FeedReader,
    private readonly now: () => number = Date.now,
  ) {}

  /** The file list of `file`, a bundle that has one; StoreUnavailableError when the stored list is not this zip's. */
  get(file: ListedBundle): Promise<FileList> {
    const key = file.files.assetId;
    const failure = this.failed.get(key);
    if (failure && this.now() - failure.at < RETRY_AFTER_MS) return Promise.reject(failure.error);
    const known = this.held.get(key);
    if (known) {
      this.held.delete(key);
      this.held.set(key, known);
      return known;
    }
    const loading = this.read(file).then(
      (list) => {
        this.failed.delete(key);
        this.sizes.set(key, list.files.length);
        this.filesHeld += list.files.length;
        this.evict(key);
        return list;
      },
      (error: unknown) => {
        this.held.delete(key);
        this.failed.set(key, { at: this.now(), error });
        throw error;
      },
    );
    this.held.set(key, loading);
    return loading;
  }

  private async read(file: ListedBundle): Promise<FileList> {
    const ref = file.files;
    const stream = await this.store.openAsset(ref.assetId, undefined, { size: ref.size });
    const bytes = Buffer.from(await new Response(stream).arrayBuffer());
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== ref.sha256)
      throw new StoreUnavailableError(`The file list of '${file.name}' in the store is not the one its release records; publish the version again with --overwrite.`);
    const list = parseBundleFiles(bytes, `The file list of '${file.name}'`);
    if (list.zip.sha256 !== file.sha256 || list.zip.size !== file.size) {
      throw new StoreUnavailableError(`The file list of '${file.name}' was made from another zip; publish the version again with --overwrite.`);
    }
    return { files: list.files, byName: new Map(list.files.map((f) => [f.name, f])) };
  }

  /** Drops the least recently used lists (never `keep`, just read) until the bound holds. */
  private evict(keep: string): void {
    for (const key of this.held.keys()) {
      if (this.filesHeld <= MAX_FILES_HELD) return;
      if (key === keep || !this.sizes.has(key)) continue;
      this.filesHeld -= this.sizes.get(key)!;
      this.sizes.delete(key);
      this.held.delete(key);
    }
  }
}
