import { bundleFilePath } from '../feed/api-paths.js';
import type { FileRecord } from '../feed/version-record.js';
import type { DeltaSupport } from '../capgo/plugin-builds.js';
import { describeError } from '../util/logger.js';
import { hasFileList } from './bundle-file-lists.js';
import type { ServerContext } from './context.js';

/** One element of an update answer's `manifest`, as the plugin reads it. */
export interface ManifestEntry {
  readonly file_name: string;
  readonly file_hash: string;
  readonly download_url: string;
}

/**
 * The `manifest` of an update answer: every file of the bundle, with its SHA-256 and a signed link
 * that serves it alone, so the plugin fetches only what it does not have. Null when the bundle has
 * no file list (encrypted, or published before delta updates), when the plugin gets none, when it
 * cannot take this bundle's `*.br` files, or when the list cannot be read now: the answer's `url`
 * still serves the whole zip.
 *
 * `brotli`: the plugin brotli-decompresses every file it downloads, so every link serves the
 * `.br` form. `plain`: it decompresses only names ending in `.br` (and drops the suffix), so files
 * are sent as they are, except a bundle's own `*.br` files, which must go out compressed once more.
 */
export async function deltaManifest(
  context: ServerContext,
  link: { readonly base: string; readonly versionId: string; readonly token: string },
  file: FileRecord,
  delta: DeltaSupport | null,
): Promise<ManifestEntry[] | null> {
  if (delta === null || !hasFileList(file) || file.encryption) return null;
  let list;
  try {
    list = await context.bundleFiles.get(file);
  } catch (error) {
    context.log.warn('bundle file list unavailable: offering the whole zip', { file: file.name, ...describeError(error) });
    return null;
  }
  const brotli = delta.form === 'brotli';
  // A bundle's own `*.br` file would be brotli-decoded and renamed by `.br`-name plugins: it goes out compressed once more, under `*.br.br`.
  if (!brotli && !delta.brNames && list.files.some((f) => f.name.endsWith('.br'))) return null;
  const query = `?token=${link.token}`;
  return list.files.map((f) => {
    const served = brotli || f.name.endsWith('.br') ? `${f.name}.br` : f.name;
    return { file_name: brotli ? f.name : served, file_hash: f.sha256, download_url: `${link.base}${bundleFilePath(link.versionId, served)}${query}` };
  });
}
