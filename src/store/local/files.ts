import { createHash, randomBytes } from 'node:crypto';
import { link, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { ByteRange } from '../types.js';

/** A fresh name in `dir` that no other writer will pick. */
export function tempPath(dir: string): string {
  return path.join(dir, `${process.pid}-${randomBytes(8).toString('hex')}.tmp`);
}

async function writeTemp(tmpDir: string, content: Uint8Array): Promise<string> {
  const tmp = tempPath(tmpDir);
  const handle = await open(tmp, 'wx');
  try {
    await handle.writeFile(content);
    // Durable before it becomes visible: a crash never leaves a half-written file under the real name.
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(tmp).catch(() => {});
    throw error;
  }
  await handle.close();
  return tmp;
}

/** Replaces `target` in one step: readers see the old bytes or the new, never a mix. */
export async function writeFileAtomic(tmpDir: string, target: string, content: Uint8Array): Promise<void> {
  const tmp = await writeTemp(tmpDir, content);
  try {
    await rename(tmp, target);
  } catch (error) {
    await unlink(tmp).catch(() => {});
    throw error;
  }
}

/** Creates `target` with `content` only if it does not exist yet; false when it does. */
export async function createFileExclusive(tmpDir: string, target: string, content: Uint8Array): Promise<boolean> {
  const tmp = await writeTemp(tmpDir, content);
  try {
    // link() refuses an existing target atomically, and the file appears already complete.
    await link(tmp, target);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(tmp).catch(() => {});
  }
}

/** The sha git (and so GitHub's Contents API) gives this content as a blob. */
export function gitBlobSha(content: Uint8Array): string {
  return createHash('sha1').update(`blob ${content.byteLength}\0`).update(content).digest('hex');
}

const CHUNK = 256 * 1024;

/**
 * Streams a file (or an inclusive byte range of it) as a web stream. Pull-based,
 * so a slow client holds at most one chunk in memory whatever the file size.
 */
export function fileStream(handle: FileHandle, size: number, range?: ByteRange): ReadableStream<Uint8Array> {
  let position = range ? range.start : 0;
  const end = range ? Math.min(range.end, size - 1) : size - 1;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const length = Math.min(CHUNK, end - position + 1);
          if (length <= 0) {
            await handle.close();
            controller.close();
            return;
          }
          const buffer = Buffer.allocUnsafe(length);
          const { bytesRead } = await handle.read(buffer, 0, length, position);
          if (bytesRead === 0) throw new Error('file ended before its recorded size');
          position += bytesRead;
          controller.enqueue(bytesRead === length ? buffer : buffer.subarray(0, bytesRead));
        } catch (error) {
          await handle.close().catch(() => {});
          controller.error(error);
        }
      },
      async cancel() {
        await handle.close();
      },
    },
    { highWaterMark: 0 },
  );
}
