import { readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Temp files and folders are named `<pid>-…` (or `<prefix><pid>-…`) by the process that
 * writes them. One whose writer has died (a killed publish) can go at once; any other
 * only once it is old, since its writer may be at work in another process, or on
 * another machine sharing the folder, where no pid can be checked.
 */
function writerIsGone(name: string, prefix = ''): boolean {
  if (!name.startsWith(prefix)) return false;
  return processIsGone(Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]));
}

/** True only when no process of this machine has that pid any more (never for our own). */
export function processIsGone(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** Removes what `dir` holds under `prefix` whose writer is gone, or that is older than `staleMs`. */
export async function sweepTemp(dir: string, options: { prefix?: string; staleMs: number }): Promise<void> {
  const prefix = options.prefix ?? '';
  for (const name of await readdir(dir).catch(() => [])) {
    if (!name.startsWith(prefix)) continue;
    const entry = path.join(dir, name);
    const info = await stat(entry).catch(() => null);
    if (info && (writerIsGone(name, prefix) || Date.now() - info.mtimeMs > options.staleMs)) await rm(entry, { force: true, recursive: true });
  }
}
