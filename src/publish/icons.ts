import path from 'node:path';
import { iconBranchPath, iconSourcePath, type LoadedConfig } from '../feed/config.js';
import { isStoreConflict } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { PublishInputError } from './errors.js';
import { readWithin } from './read-within.js';
import type { UndoLog } from './undo.js';

export interface IconFile {
  readonly appId: string;
  readonly branchPath: string;
  readonly content: Uint8Array;
}

const MAX_ICON_BYTES = 1024 * 1024;

/** The images an icon may be, by their first bytes: what is served as an icon is a picture, whatever the file is named. */
const IMAGE_SIGNATURES: readonly ((bytes: Buffer) => boolean)[] = [
  (b) => b.subarray(0, 8).equals(Buffer.from('89504e470d0a1a0a', 'hex')), // PNG
  (b) => b.subarray(0, 3).equals(Buffer.from('ffd8ff', 'hex')), // JPEG
  (b) => /^GIF8[79]a/.test(b.subarray(0, 6).toString('latin1')),
  (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  (b) => /^(\ufeff)?\s*(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*(<!DOCTYPE svg[^>]*>\s*)?<svg[\s>]/i.test(b.subarray(0, 4096).toString('utf8')),
];

function isMissing(error: unknown): boolean {
  const code = (error instanceof Error ? (error.cause as NodeJS.ErrnoException | undefined) : undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/** Names the path as written and where it was looked for: icon paths are relative to the config's folder, not the working directory. */
function missingIconMessage(appId: string, icon: string, configPath: string, lookedAt: string): string {
  return `Icon of app '${appId}' not found: '${icon}' is relative to the folder of ${path.basename(configPath)} ('${path.dirname(configPath)}'), so it was looked for at '${lookedAt}'.`;
}

/**
 * Reads every app's icon up front, so a missing icon fails the publish before the store
 * is touched. An icon is read only inside the config's folder, and only if it is an image.
 */
export async function readIcons(loaded: LoadedConfig): Promise<IconFile[]> {
  const icons: IconFile[] = [];
  for (const app of loaded.config.apps) {
    const source = iconSourcePath(loaded, app);
    const branchPath = iconBranchPath(app);
    if (source === null || branchPath === null) continue;
    const what = `Icon of app '${app.id}' ('${app.icon}')`;
    const root = path.dirname(loaded.path);
    const content = await readWithin(source, { root, field: 'config', what, maxBytes: MAX_ICON_BYTES }).catch((error: unknown) => {
      throw isMissing(error) ? new PublishInputError('config', missingIconMessage(app.id, app.icon ?? '', loaded.path, source), { cause: error }) : error;
    });
    if (!IMAGE_SIGNATURES.some((matches) => matches(content))) throw new PublishInputError('config', `${what} is not a PNG, JPEG, GIF, WebP or SVG image.`);
    icons.push({ appId: app.id, branchPath, content });
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
