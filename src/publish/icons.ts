import { readFile, stat } from 'node:fs/promises';
import { iconBranchPath, iconSourcePath, type LoadedConfig } from '../feed/config.js';
import { isStoreConflict } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { describeFsError } from '../util/fs-error.js';
import { PublishInputError } from './errors.js';
import type { UndoLog } from './undo.js';

export interface IconFile {
  readonly appId: string;
  readonly branchPath: string;
  readonly content: Uint8Array;
}

const MAX_ICON_BYTES = 1024 * 1024;

/** Reads every app's icon up front, so a missing icon fails the publish before the store is touched. */
export async function readIcons(loaded: LoadedConfig): Promise<IconFile[]> {
  const icons: IconFile[] = [];
  for (const app of loaded.config.apps) {
    const source = iconSourcePath(loaded, app);
    const branchPath = iconBranchPath(app);
    if (source === null || branchPath === null) continue;
    const info = await stat(source).catch((error: unknown) => {
      throw new PublishInputError('config', `Icon of app '${app.id}' ('${app.icon}'): ${describeFsError(error)}.`);
    });
    if (!info.isFile() || info.size > MAX_ICON_BYTES) {
      throw new PublishInputError('config', `Icon of app '${app.id}' ('${app.icon}') must be a file of at most 1 MiB.`);
    }
    icons.push({ appId: app.id, branchPath, content: await readFile(source) });
  }
  return icons;
}

/** Writes the icons that differ from the manifest branch; each write can be undone. */
export async function syncIcons(store: Store, icons: readonly IconFile[], undo: UndoLog): Promise<number> {
  let written = 0;
  for (const icon of icons) if (await syncIcon(store, icon, undo)) written++;
  return written;
}

async function syncIcon(store: Store, icon: IconFile, undo: UndoLog): Promise<boolean> {
  const message = `Update icon of ${icon.appId}`;
  for (let attempt = 1; ; attempt++) {
    const current = await store.readBranchFile(icon.branchPath);
    const previous = current === null || current === 'not-modified' ? null : current;
    if (previous && Buffer.from(previous.content).equals(icon.content)) return false;
    try {
      const { sha } = await store.writeBranchFile(icon.branchPath, icon.content, { expectedSha: previous?.sha ?? null, message });
      undo.push(`restore ${icon.branchPath}`, async () => {
        if (previous) await store.writeBranchFile(icon.branchPath, previous.content, { expectedSha: sha, message: `Revert ${message}` });
        else await store.deleteBranchFile(icon.branchPath, { expectedSha: sha, message: `Revert ${message}` });
      });
      return true;
    } catch (error) {
      // A concurrent publish wrote it first; most likely with the same bytes, which the re-read sees.
      if (!isStoreConflict(error) || attempt >= 5) throw error;
    }
  }
}
