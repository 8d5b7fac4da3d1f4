import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ZipArchive } from 'archiver';
import { describeFsError } from '../util/fs-error.js';
import { PublishInputError } from './errors.js';

export type ArtifactKind = 'binary' | 'bundle';

/** A build ready to upload: a file on disk with its checksum. */
export interface PackagedArtifact {
  /** The file to upload (the input itself, or the zip made from a folder). */
  readonly file: string;
  /** The name testers' downloads are saved under. */
  readonly name: string;
  readonly size: number;
  readonly sha256: string;
  readonly contentType: string;
  readonly kind: ArtifactKind;
  /** Removes whatever packaging created (the zip); the input is never touched. */
  readonly cleanup: () => Promise<void>;
}

export interface PackageProgress {
  readonly phase: 'hashing' | 'zipping';
  readonly done: number;
  readonly total: number;
}

const CONTENT_TYPES: Record<string, string> = {
  '.apk': 'application/vnd.android.package-archive',
  '.aab': 'application/x-authorware-bin',
  '.ipa': 'application/octet-stream',
  '.zip': 'application/zip',
};

// Fixed entry dates and modes make the same folder always zip to the same bytes,
// so re-running a workflow on a fresh checkout is a no-op, not a "different bytes" conflict.
const ZIP_DATE = new Date('1980-01-01T00:00:00Z');

/**
 * Packages `input`: a file is used as-is (hashed while read), a folder is zipped
 * into a temp file (streaming, hashed while written).
 */
export async function packageArtifact(options: {
  input: string;
  zipName: string;
  onProgress?: (progress: PackageProgress) => void;
}): Promise<PackagedArtifact> {
  const info = await lstat(options.input).catch((error: unknown) => {
    throw new PublishInputError('path', `Cannot read '${options.input}': ${describeFsError(error)}.`);
  });
  if (info.isFile()) return packageFile(options.input, info.size, options.onProgress);
  if (info.isDirectory()) return packageFolder(options.input, options.zipName, options.onProgress);
  throw new PublishInputError('path', `'${options.input}' is neither a file nor a folder.`);
}

async function packageFile(file: string, size: number, onProgress?: (p: PackageProgress) => void): Promise<PackagedArtifact> {
  const hash = createHash('sha256');
  let done = 0;
  try {
    await pipeline(createReadStream(file), async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) {
        hash.update(chunk);
        done += chunk.length;
        onProgress?.({ phase: 'hashing', done, total: size });
      }
    });
  } catch (error) {
    throw new PublishInputError('path', `Cannot read '${file}': ${describeFsError(error)}.`);
  }
  if (done !== size) throw new PublishInputError('path', `'${file}' changed while it was being read; publish it again once the build has finished.`);
  const ext = path.extname(file).toLowerCase();
  return {
    file,
    name: path.basename(file),
    size,
    sha256: hash.digest('hex'),
    contentType: CONTENT_TYPES[ext] ?? 'application/octet-stream',
    kind: ext === '.zip' ? 'bundle' : 'binary',
    cleanup: async () => {},
  };
}

interface FolderEntry {
  readonly absolute: string;
  readonly name: string;
  readonly size: number;
}

/** Every file under `root`, in a stable order; symbolic links are refused rather than followed out of the folder. */
async function listFolder(root: string): Promise<FolderEntry[]> {
  const out: FolderEntry[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const absolute = path.join(dir, name);
      const info = await lstat(absolute);
      const entryName = `${prefix}${name}`;
      if (info.isSymbolicLink()) throw new PublishInputError('path', `'${entryName}' in '${root}' is a symbolic link; a bundle can hold only plain files and folders.`);
      if (info.isDirectory()) await walk(absolute, `${entryName}/`);
      else if (info.isFile()) out.push({ absolute, name: entryName, size: info.size });
    }
  }
  await walk(root, '');
  return out;
}

async function packageFolder(folder: string, zipName: string, onProgress?: (p: PackageProgress) => void): Promise<PackagedArtifact> {
  const entries = await listFolder(folder).catch((error: unknown) => {
    if (error instanceof PublishInputError) throw error;
    throw new PublishInputError('path', `Cannot read folder '${folder}': ${describeFsError(error)}.`);
  });
  if (entries.length === 0) throw new PublishInputError('path', `Folder '${folder}' is empty; point --path at your web build output.`);
  const total = entries.reduce((sum, e) => sum + e.size, 0);
  const workDir = await mkdtemp(path.join(tmpdir(), 'updateforge-zip-'));
  const cleanup = () => rm(workDir, { recursive: true, force: true });
  const zipPath = path.join(workDir, zipName);
  try {
    const archive = new ZipArchive({ zlib: { level: 9 } });
    let done = 0;
    archive.on('progress', (p) => {
      done = p.fs.processedBytes;
      onProgress?.({ phase: 'zipping', done, total });
    });
    const hash = createHash('sha256');
    let size = 0;
    const written = pipeline(
      archive,
      new Transform({
        transform(chunk: Buffer, _encoding, next) {
          hash.update(chunk);
          size += chunk.length;
          next(null, chunk);
        },
      }),
      createWriteStream(zipPath, { flags: 'wx' }),
    );
    for (const entry of entries) archive.file(entry.absolute, { name: entry.name, date: ZIP_DATE, mode: 0o644 });
    await Promise.all([archive.finalize(), written]);
    return { file: zipPath, name: zipName, size, sha256: hash.digest('hex'), contentType: 'application/zip', kind: 'bundle', cleanup };
  } catch (error) {
    await cleanup();
    throw new Error(`Cannot zip '${folder}': ${describeFsError(error)}.`, { cause: error });
  }
}
