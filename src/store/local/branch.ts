import { constants } from 'node:fs';
import { mkdir, open, rmdir, unlink } from 'node:fs/promises';
import path from 'node:path';
import { StoreConflictError, StoreNotFoundError } from '../errors.js';
import { gitBlobSha, writeFileAtomic } from './files.js';
import type { BranchFile } from '../types.js';

/**
 * The manifest branch of a local store: a folder of files, each with the git blob
 * sha GitHub would give it. Writes and deletes check the expected sha; the caller
 * holds the store lock around them, so check-and-write is one step.
 */
export class LocalBranch {
  constructor(
    private readonly dir: string,
    private readonly tmpDir: string,
  ) {}

  private pathOf(file: string): string {
    const segments = file.split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
      throw new StoreNotFoundError(`no branch file '${file}'`);
    }
    return path.join(this.dir, ...segments);
  }

  async read(file: string, options: { etag?: string } = {}): Promise<BranchFile | 'not-modified' | null> {
    // Not through a link: one planted in the store would serve whatever it points at (a secret) as an icon.
    const handle = await open(this.pathOf(file), constants.O_RDONLY | constants.O_NOFOLLOW).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR' || error.code === 'EISDIR' || error.code === 'ELOOP') return null;
      throw error;
    });
    if (handle === null) return null;
    try {
      const info = await handle.stat({ bigint: true });
      if (info.isDirectory()) return null;
      // The handle pins this version of the file, so etag and content always agree.
      const etag = `"${info.ino}-${info.size}-${info.mtimeNs}"`;
      if (options.etag === etag) return 'not-modified';
      const content = await handle.readFile();
      return { content, sha: gitBlobSha(content), etag };
    } finally {
      await handle.close();
    }
  }

  async write(file: string, content: Uint8Array, expectedSha: string | null): Promise<{ sha: string }> {
    const target = this.pathOf(file);
    await this.expectSha(file, expectedSha);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(this.tmpDir, target, content);
    return { sha: gitBlobSha(content) };
  }

  async delete(file: string, expectedSha: string): Promise<void> {
    const target = this.pathOf(file);
    await this.expectSha(file, expectedSha);
    await unlink(target);
    // Git has no empty folders: neither does the branch (a publish's lease leaves no locks/ behind).
    for (let dir = path.dirname(target); dir.startsWith(`${this.dir}${path.sep}`); dir = path.dirname(dir)) {
      if (
        !(await rmdir(dir).then(
          () => true,
          () => false,
        ))
      )
        break;
    }
  }

  private async expectSha(file: string, expected: string | null): Promise<void> {
    const current = await this.read(file);
    const actual = current === null || current === 'not-modified' ? null : current.sha;
    if (actual !== expected) throw new StoreConflictError(`'${file}' changed meanwhile (expected ${expected ?? 'no file'}, found ${actual ?? 'no file'})`);
  }
}
