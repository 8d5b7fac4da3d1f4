import type { WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * A write stream to a file created (exclusively) before this returns. With
 * `createWriteStream(path)` the file appears whenever its lazy open completes, which
 * can be after a failed pipeline's cleanup already ran, leaving a stray file behind.
 */
export async function createNewFileStream(file: string): Promise<WriteStream> {
  const handle = await open(file, 'wx');
  return handle.createWriteStream();
}
