import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { BUNDLE_FILES_VERSION, type BundleFile, type BundleFiles } from '../feed/bundle-files.js';
import { PublishInputError } from './errors.js';
import { METHOD_DEFLATED, METHOD_STORED, type ZipEntryRecord } from './zip-records.js';

/**
 * Every file of a bundle zip with its SHA-256 and where its data is in the zip: the file list a
 * server serves single files from (delta updates). Read back from the zip itself, whether we
 * wrote it or were given it, so the offsets are those of the bytes uploaded.
 *
 * Null when the zip has an entry no range read can serve as it is (a compression method other
 * than stored or deflated): such a bundle is offered as a whole zip only.
 */
export async function listBundleFiles(zipPath: string, zip: { readonly size: number; readonly sha256: string }): Promise<BundleFiles | null> {
  const file = await yauzl.openPromise(zipPath, { lazyEntries: true, strictFileNames: true });
  const files: BundleFile[] = [];
  try {
    for await (const entry of file.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      if (entry.compressionMethod !== METHOD_STORED && entry.compressionMethod !== METHOD_DEFLATED) return null;
      const { fileDataStart } = await file.readLocalFileHeaderPromise(entry, { minimal: true });
      const { sha256, crc } = await digestEntry(file, entry);
      if (crc !== entry.crc32) throw new PublishInputError('path', `'${entry.fileName}' in '${zipPath}' does not match its CRC-32: the zip is damaged.`);
      files.push({
        name: entry.fileName,
        sha256,
        size: entry.uncompressedSize,
        method: entry.compressionMethod,
        crc32: entry.crc32.toString(16).padStart(8, '0'),
        offset: fileDataStart,
        compressedSize: entry.compressedSize,
      });
    }
  } finally {
    file.close();
  }
  return { updateforgeFiles: BUNDLE_FILES_VERSION, zip: { size: zip.size, sha256: zip.sha256 }, files: relativeToRoot(files) };
}

/** An entry as our zip writer wrote it, with its file's SHA-256 (zip-writer.ts `onEntry`). */
export interface WrittenEntry {
  readonly record: ZipEntryRecord;
  readonly sha256: string;
}

/**
 * The file list of a zip our writer made, from what it reported while writing: no second read of
 * the zip. Its local headers carry no extra field (zip-records.ts), so an entry's data starts right
 * after its name.
 */
export function listWrittenFiles(entries: readonly WrittenEntry[], zip: { readonly size: number; readonly sha256: string }): BundleFiles {
  return {
    updateforgeFiles: BUNDLE_FILES_VERSION,
    zip: { size: zip.size, sha256: zip.sha256 },
    files: entries.map(({ record, sha256 }) => ({
      name: record.name.toString('utf8'),
      sha256,
      size: record.size,
      method: record.method,
      crc32: record.crc32.toString(16).padStart(8, '0'),
      offset: record.offset + LOCAL_HEADER_SIZE + record.name.length,
      compressedSize: record.compressedSize,
    })),
  };
}

/** The fixed part of a local file header (APPNOTE.TXT 4.3.7). */
const LOCAL_HEADER_SIZE = 30;

async function digestEntry(file: yauzl.ZipFile, entry: yauzl.Entry): Promise<{ sha256: string; crc: number }> {
  const hash = createHash('sha256');
  let crc = 0;
  // yauzl inflates and checks the entry's size against the central directory.
  for await (const chunk of await file.openReadStreamPromise(entry)) {
    hash.update(chunk as Buffer);
    crc = crc32(chunk as Buffer, crc);
  }
  return { sha256: hash.digest('hex'), crc };
}

/**
 * The plugin installs a zip whose files all sit in one top-level folder from inside that folder
 * (zip-check.ts accepts such a zip when `index.html` is in it): names are made relative to it.
 */
function relativeToRoot(files: BundleFile[]): BundleFile[] {
  if (files.some((f) => f.name === 'index.html')) return files;
  const top = files[0]?.name.split('/')[0];
  if (top === undefined || !files.every((f) => f.name.startsWith(`${top}/`))) return files;
  return files.map((f) => ({ ...f, name: f.name.slice(top.length + 1) }));
}
