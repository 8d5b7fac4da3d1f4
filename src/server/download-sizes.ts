import type { FeedSnapshot } from '../feed/feed-snapshot.js';
import type { BundleFile } from '../feed/bundle-files.js';
import type { VersionRecord } from '../feed/version-record.js';
import { describeError } from '../util/logger.js';
import { bodyLength, sentAsStoredGzip } from './bundle-file-body.js';
import { hasFileList } from './bundle-file-lists.js';
import type { ServerContext } from './context.js';

/** One file of the answer, as Capgo's own server gives it (capgo@4bc7d83f:supabase/functions/_backend/plugin_runtime/utils/manifest_size.ts). */
export interface FileSize {
  readonly file_name: string | null;
  readonly file_hash: string;
  readonly download_url: string | null;
  readonly size?: number;
  readonly error?: 'size_unknown';
}

export interface DownloadSizes {
  readonly totalSize: number;
  readonly knownFiles: number;
  readonly unknownFiles: number;
  readonly files: readonly FileSize[];
}

/** Where our file links keep the version id: `/api/v1/bundles/{id}/files/{path}` (feed/api-paths.ts). */
const FILE_LINK = /\/api\/v1\/bundles\/([^/]+)\/files\/[^/]+$/;

/**
 * How many bytes a device will download for the manifest entries it lacks: what 8.51's
 * `getLatest({includeBundleSize: true})` asks before it downloads. A file's size is what the
 * files route sends a plugin that takes gzip (8.51 does, through OkHttp or URLSession): its
 * deflate data as stored, or the file itself when stored. Files are found by hash in the bundles
 * their links name, or else in the app's bundles of that version; the rest are `size_unknown`.
 * Entries are read leniently, as Capgo does: one without a hash is left out, repeats count once.
 */
export async function downloadSizes(
  context: ServerContext,
  snapshot: FeedSnapshot,
  request: { readonly appId: string; readonly version: string | undefined; readonly entries: readonly unknown[] },
): Promise<DownloadSizes> {
  const entries = normalize(request.entries);
  const app = snapshot.appsByPackageName.get(request.appId);
  const linked = new Set(entries.flatMap((e) => (e.versionId ? [e.versionId] : [])));
  const bundles = snapshot.manifest.versions.filter(
    (v) => v.app === app?.id && !v.yanked && (linked.has(v.id) || (request.version !== undefined && v.version === request.version)),
  );
  const sizes = await sizesByHash(context, bundles);
  let totalSize = 0;
  let knownFiles = 0;
  const files = entries.map(({ versionId: _, ...entry }): FileSize => {
    const size = sizes.get(entry.file_hash.toLowerCase());
    if (size === undefined) return { ...entry, error: 'size_unknown' };
    totalSize += size;
    knownFiles++;
    return { ...entry, size };
  });
  return { totalSize, knownFiles, unknownFiles: files.length - knownFiles, files };
}

async function sizesByHash(context: ServerContext, bundles: readonly VersionRecord[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  for (const bundle of bundles) {
    const file = bundle.file;
    if (!file || !hasFileList(file)) continue;
    try {
      const list = await context.bundleFiles.get(file);
      for (const f of list.files) sizes.set(f.sha256, wireSize(f));
    } catch (error) {
      context.log.warn('bundle file list unavailable: sizes unknown', { file: file.name, ...describeError(error) });
    }
  }
  return sizes;
}

const wireSize = (file: BundleFile): number => bodyLength(file, sentAsStoredGzip(file) ? { kind: 'gzip' } : { kind: 'identity' }) ?? file.size;

function normalize(raw: readonly unknown[]): (Omit<FileSize, 'size' | 'error'> & { versionId: string | null })[] {
  const seen = new Set<string>();
  const out: (Omit<FileSize, 'size' | 'error'> & { versionId: string | null })[] = [];
  for (const item of raw) {
    if (!item || typeof item !== 'object') continue;
    const e = item as Record<string, unknown>;
    if (typeof e['file_hash'] !== 'string' || e['file_hash'] === '') continue;
    const entry = {
      file_name: typeof e['file_name'] === 'string' ? e['file_name'] : null,
      file_hash: e['file_hash'],
      download_url: typeof e['download_url'] === 'string' ? e['download_url'] : null,
    };
    const key = `${entry.file_name ?? ''}\0${entry.file_hash}\0${entry.download_url ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...entry, versionId: linkedVersion(entry.download_url) });
  }
  return out;
}

function linkedVersion(url: string | null): string | null {
  if (!url) return null;
  try {
    const id = FILE_LINK.exec(new URL(url).pathname)?.[1];
    return id ? decodeURIComponent(id) : null;
  } catch {
    return null;
  }
}
