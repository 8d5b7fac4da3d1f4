import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from '../../util/fs-error.js';
import { StoreNotFoundError, StoreUnavailableError } from '../errors.js';

/** The file that marks a folder as a store; its lock (`<marker>.lock/`) serialises writers. */
export const MARKER_FILE = 'updateforge-store.json';
const MARKER = { kind: 'updateforge-local-store', version: 1 };
/** Release and asset ids. */
export const ID = /^[0-9a-f]{16}$/;

/** A fresh release or asset id: 16 hex digits. */
export function newId(): string {
  return randomBytes(8).toString('hex');
}

/**
 * Where each part of a local store lives (see LocalStore for the layout), the folders made
 * on first write, and what a refused write means to the user.
 */
export class StoreLayout {
  readonly marker: string;
  readonly tmpDir: string;
  readonly releasesDir: string;
  readonly branchDir: string;
  readonly downloadsDir: string;

  private made: Promise<void> | null = null;

  constructor(
    readonly root: string,
    branch: string,
    private readonly exists: boolean,
  ) {
    this.marker = path.join(root, MARKER_FILE);
    this.tmpDir = path.join(root, 'tmp');
    this.releasesDir = path.join(root, 'releases');
    this.branchDir = path.join(root, 'branches', encodeURIComponent(branch));
    this.downloadsDir = path.join(root, 'downloads');
  }

  releasePath(tag: string): string {
    return path.join(this.releasesDir, `${encodeURIComponent(tag)}.json`);
  }

  /** StoreNotFoundError for anything that is not an id, so no name can reach outside assets/. */
  assetPath(assetId: string): string {
    if (!ID.test(assetId)) throw new StoreNotFoundError(`no asset '${assetId}'`);
    return path.join(this.root, 'assets', assetId);
  }

  /** The download counter of an asset (download-counter.ts); StoreNotFoundError for anything that is not an id. */
  downloadCountPath(assetId: string): string {
    if (!ID.test(assetId)) throw new StoreNotFoundError(`no asset '${assetId}'`);
    return path.join(this.downloadsDir, assetId);
  }

  /** Creates the folder layout on first write (only the missing parts, for a store that exists). */
  ready(): Promise<void> {
    this.made ??= (async () => {
      if (!this.exists) {
        await mkdir(this.root, { recursive: true });
        await writeFile(this.marker, `${JSON.stringify(MARKER)}\n`, { flag: 'wx' }).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'EEXIST') throw error;
        });
      }
      for (const dir of ['releases', 'assets', 'tmp']) await mkdir(path.join(this.root, dir), { recursive: true });
      await mkdir(this.branchDir, { recursive: true });
    })().catch((error: unknown) => {
      this.made = null;
      throw error;
    });
    return this.made;
  }

  /** A write the disk refused (full, read-only, no permission) as a message naming the store, the step and the fix. */
  async writing<T>(step: string, work: () => Promise<T>): Promise<T> {
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
}
