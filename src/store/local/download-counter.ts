import { constants } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import type { StoreLayout } from './layout.js';

const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_NOFOLLOW;

/**
 * The local store's own download counts: a file per asset, `downloads/<asset id>`, that grows by one
 * byte (a newline) per counted download, so the count is the file's size (and `wc -l` of it).
 *
 * - **No count lost to concurrency** on a local disk: a count is one `O_APPEND` write of one byte,
 *   which the kernel puts at the end of the file as one step, so downloads in one process or in
 *   several never overwrite each other's counts, with no lock and no read-modify-write. On a network
 *   share (NFS emulates `O_APPEND` in each client) concurrent counts from different machines can
 *   overwrite each other, and the count comes out low.
 * - **Crash-safe**: a counter is always some number of bytes, never a half-written number. Appends are
 *   not flushed to disk (a count is not worth an fsync per download), so a power cut can lose the
 *   last few seconds of counts; a killed process loses nothing it wrote.
 * - **Cheap**: one small write per download, one `stat` per asset to read; a million downloads make a 1 MB file.
 * - A count that cannot be written (a read-only folder, a full disk) never fails the download: it is not counted.
 */
export class LocalDownloadCounter {
  constructor(private readonly layout: StoreLayout) {}

  /** Counts one download of `assetId`; never throws. */
  async count(assetId: string): Promise<void> {
    try {
      const file = this.layout.downloadCountPath(assetId);
      const handle = await open(file, APPEND, 0o644).catch(async (error: NodeJS.ErrnoException) => {
        // The first count of a store made before counting existed: the folder, then again.
        if (error.code !== 'ENOENT') throw error;
        await mkdir(this.layout.downloadsDir, { recursive: true });
        return open(file, APPEND, 0o644);
      });
      try {
        await handle.write('\n');
      } finally {
        await handle.close();
      }
    } catch {
      // Not counted: see the class comment.
    }
  }

  /** The count of each asset that exists (0 when it was never downloaded); ids of no asset are left out. */
  async read(assetIds: readonly string[]): Promise<ReadonlyMap<string, number>> {
    const counts = new Map<string, number>();
    await Promise.all(
      [...new Set(assetIds)].map(async (id) => {
        const count = await this.countOf(id);
        if (count !== null) counts.set(id, count);
      }),
    );
    return counts;
  }

  private async countOf(assetId: string): Promise<number | null> {
    let file: string;
    try {
      file = this.layout.downloadCountPath(assetId);
    } catch {
      return null;
    }
    try {
      return (await stat(file)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // No counter: never downloaded, when the asset is there at all.
    return (await exists(this.layout.assetPath(assetId))) ? 0 : null;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
