import { createReadStream, type Stats } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { encryptChecksums, newSessionKey, type BundleKey } from '../capgo/bundle-encryption.js';
import type { Encryption } from '../feed/version-record.js';
import { describeFsError } from '../util/fs-error.js';
import { createNewFileStream } from '../util/new-file.js';
import { PublishInputError } from './errors.js';
import { HashingStream, type Digests } from '../util/hashing-stream.js';
import { sweepTemp } from '../util/stale-temp.js';
import { clashingNames, entryNameProblem } from './bundle-entry-names.js';
import { checkBundleZip } from './zip-check.js';
import { listBundleFiles, listWrittenFiles, type WrittenEntry } from './bundle-file-list.js';
import { serializeBundleFiles } from '../feed/bundle-files.js';
import { zipFiles, zipLimitProblem, type ZipSourceFile } from './zip-writer.js';

export type ArtifactKind = 'binary' | 'bundle';

/** A build ready to upload: a file on disk with its checksums. */
export interface PackagedArtifact {
  /** The file to upload (the input itself, or the zip made from a folder, or its encrypted form). */
  readonly file: string;
  /** The name testers' downloads are saved under. */
  readonly name: string;
  /** Size and SHA-256 of the bytes uploaded. */
  readonly size: number;
  readonly sha256: string;
  /** CRC32 of an unencrypted bundle, for the oldest plugins. */
  readonly crc32?: string;
  readonly encryption?: Encryption;
  /** What makes a re-run a no-op: the SHA-256 of the content before any encryption. */
  readonly contentSha256: string;
  /** An unencrypted bundle's file list (delta updates), to store next to it; absent for everything else. */
  readonly fileList?: PackagedFileList;
  readonly contentType: string;
  readonly kind: ArtifactKind;
  /** Removes whatever packaging created; the input is never touched. */
  readonly cleanup: () => Promise<void>;
}

/** A bundle's file list, serialised: uploaded as a second asset of the release. */
export interface PackagedFileList {
  readonly bytes: Uint8Array;
  readonly count: number;
}

export interface PackageProgress {
  readonly phase: 'hashing' | 'zipping' | 'encrypting';
  readonly done: number;
  readonly total: number;
}

/** How a bundle is (to be) encrypted: with the developer's key, or already by `@capgo/cli bundle encrypt`. */
export type BundleEncryptionInput = { readonly key: BundleKey } | { readonly sessionKey: string; readonly checksum: string; readonly form: 'v3' | 'legacy' };

const CONTENT_TYPES: Record<string, string> = {
  '.apk': 'application/vnd.android.package-archive',
  '.aab': 'application/x-authorware-bin',
  '.ipa': 'application/octet-stream',
  '.zip': 'application/zip',
};

// zlib's default, and what archiver used: another level would change every bundle's bytes.
const ZIP_LEVEL = 6;

interface Options {
  readonly input: string;
  readonly zipName: string;
  readonly encryption?: BundleEncryptionInput | undefined;
  readonly onProgress?: ((progress: PackageProgress) => void) | undefined;
}

/**
 * Packages `input`: an APK/AAB/IPA is used as-is; a folder is zipped into a live-update
 * bundle (it must hold `index.html`); a `.zip` is checked and used as a bundle. Bundles
 * can be encrypted for the Capgo plugin. Everything is streamed and hashed on the way.
 */
export async function packageArtifact(options: Options): Promise<PackagedArtifact> {
  const info = await lstat(options.input).catch((error: unknown) => {
    throw new PublishInputError('path', `Cannot read '${options.input}': ${describeFsError(error)}.`);
  });
  if (info.isDirectory()) return packageFolder(options);
  if (!info.isFile()) throw new PublishInputError('path', `'${options.input}' is neither a file nor a folder.`);

  const ext = path.extname(options.input).toLowerCase();
  const encryption = options.encryption;
  if (encryption && 'sessionKey' in encryption) {
    const { sessionKey, checksum, form } = encryption;
    return packageAsIs(options, info.size, 'bundle', CONTENT_TYPES['.zip']!, {
      sessionKey,
      ...(form === 'v3' ? { checksum: checksum.toLowerCase() } : { legacyChecksum: checksum }),
    });
  }
  if (ext !== '.zip') {
    if (encryption) throw new PublishInputError('encrypt-key', `Only live-update bundles (a web build folder or a .zip) can be encrypted, not '${path.basename(options.input)}'.`);
    return packageAsIs(options, info.size, 'binary', CONTENT_TYPES[ext] ?? 'application/octet-stream');
  }
  await checkBundleZip(options.input);
  if (encryption)
    return withWorkDir((dir) => writeBundle(createReadStream(options.input), { ...options, name: path.basename(options.input), dir, total: info.size, key: encryption.key }));
  const digests = await hashFile(options.input, info.size, options.onProgress);
  return {
    file: options.input,
    name: path.basename(options.input),
    ...digests,
    ...(await fileListOf(options.input, digests)),
    contentSha256: digests.sha256,
    contentType: CONTENT_TYPES['.zip']!,
    kind: 'bundle',
    cleanup: async () => {},
  };
}

/**
 * The file list of an unencrypted bundle. Encrypted bundles have none: the plugin would need each
 * file encrypted on its own with the bundle's key and its checksum signed with the private key,
 * which a server holding only the zip cannot make (README, "Delta updates").
 */
async function fileListOf(zipPath: string, zip: { size: number; sha256: string }, written?: readonly WrittenEntry[]): Promise<{ fileList?: PackagedFileList }> {
  const list = written ? listWrittenFiles(written, zip) : await listBundleFiles(zipPath, zip);
  return list ? { fileList: { bytes: serializeBundleFiles(list), count: list.files.length } } : {};
}

async function hashFile(file: string, total: number, onProgress?: (p: PackageProgress) => void): Promise<Digests> {
  const hashing = new HashingStream((done) => onProgress?.({ phase: 'hashing', done, total }));
  try {
    await pipeline(createReadStream(file), hashing, async (chunks: AsyncIterable<Buffer>) => {
      for await (const chunk of chunks) void chunk;
    });
  } catch (error) {
    throw new PublishInputError('path', `Cannot read '${file}': ${describeFsError(error)}.`, { cause: error });
  }
  const digests = hashing.digests();
  if (digests.size !== total) throw new PublishInputError('path', `'${file}' changed while it was being read; publish it again once the build has finished.`);
  return digests;
}

/** A file uploaded as it is: an app binary, or a bundle `@capgo/cli bundle encrypt` already encrypted. */
async function packageAsIs(options: Options, size: number, kind: ArtifactKind, contentType: string, encryption?: Encryption): Promise<PackagedArtifact> {
  const { sha256 } = await hashFile(options.input, size, options.onProgress);
  return {
    file: options.input,
    name: path.basename(options.input),
    size,
    sha256,
    ...(encryption ? { encryption } : {}),
    contentSha256: sha256,
    contentType,
    kind,
    cleanup: async () => {},
  };
}

interface FolderEntry {
  readonly absolute: string;
  readonly name: string;
  readonly stats: Stats;
}

/**
 * Every file under `root`, in a stable order, under a name that is safe in a zip (the
 * rules of bundle-entry-names.ts, as for a zip we are given); symbolic links are refused
 * rather than followed out of the folder.
 */
async function listFolder(root: string): Promise<FolderEntry[]> {
  const out: FolderEntry[] = [];
  async function walk(dir: string, prefix: string): Promise<void> {
    for (const name of (await readdir(dir)).sort()) {
      const absolute = path.join(dir, name);
      const info = await lstat(absolute);
      const entryName = `${prefix}${name}`;
      if (info.isSymbolicLink()) throw new PublishInputError('path', `'${entryName}' in '${root}' is a symbolic link; a bundle can hold only plain files and folders.`);
      const problem = entryNameProblem(entryName);
      if (problem) throw new PublishInputError('path', `'${entryName}' in '${root}' ${problem}; rename it.`);
      if (info.isDirectory()) await walk(absolute, `${entryName}/`);
      else if (info.isFile()) out.push({ absolute, name: entryName, stats: info });
    }
  }
  await walk(root, '');
  const clash = clashingNames(out.map((e) => e.name));
  if (clash) throw new PublishInputError('path', `In '${root}', ${clash}; rename one.`);
  return out;
}

async function packageFolder(options: Options): Promise<PackagedArtifact> {
  const folder = options.input;
  const entries = await listFolder(folder).catch((error: unknown) => {
    if (error instanceof PublishInputError) throw error;
    throw new PublishInputError('path', `Cannot read folder '${folder}': ${describeFsError(error)}.`);
  });
  if (entries.length === 0) throw new PublishInputError('path', `Folder '${folder}' is empty; point --path at your web build output.`);
  if (!entries.some((e) => e.name === 'index.html')) {
    throw new PublishInputError('path', `Folder '${folder}' has no index.html at its root; point --path at your web build output (e.g. dist/ or www/), not at the project.`);
  }
  const files: ZipSourceFile[] = entries.map((e) => ({ path: e.absolute, name: e.name, size: e.stats.size }));
  const limit = zipLimitProblem(files);
  if (limit) throw new PublishInputError('path', `Folder '${folder}' ${limit}; a live-update bundle is a web build, point --path at its output.`);
  const total = files.reduce((sum, f) => sum + f.size, 0);
  // Entries in our sorted order with fixed dates and modes (zip-records.ts): the same folder
  // always zips to the same bytes, so re-running a workflow on a fresh checkout is a no-op,
  // not a "different bytes" conflict.
  const onProgress = (done: number) => options.onProgress?.({ phase: 'zipping', done, total });
  const key = options.encryption && 'key' in options.encryption ? options.encryption.key : undefined;
  // What the writer tells of each entry is the bundle's file list: the zip need not be read back.
  const written: WrittenEntry[] = [];
  const onEntry = (record: WrittenEntry['record'], sha256: string) => written.push({ record, sha256 });
  return withWorkDir((dir) =>
    writeBundle(zipFiles(files, { level: ZIP_LEVEL, onProgress, onEntry }), { ...options, name: options.zipName, dir, total, key, silent: true, written }),
  );
}

const WORK_DIR_PREFIX = 'updateforge-bundle-';

async function withWorkDir(work: (dir: string) => Promise<PackagedArtifact>): Promise<PackagedArtifact> {
  // What a killed publish left goes first: bundles can be large, and nothing else would remove them.
  await sweepTemp(tmpdir(), { prefix: WORK_DIR_PREFIX, staleMs: 24 * 60 * 60 * 1000 });
  const dir = await mkdtemp(path.join(tmpdir(), `${WORK_DIR_PREFIX}${process.pid}-`));
  try {
    const artifact = await work(dir);
    return { ...artifact, cleanup: () => rm(dir, { recursive: true, force: true }) };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes a bundle's bytes to a temp file in one pass: hashed as plain zip, then (with a
 * key) AES-encrypted and hashed again as stored.
 */
async function writeBundle(
  source: Readable,
  options: {
    name: string;
    dir: string;
    total: number;
    key?: BundleKey | undefined;
    silent?: boolean;
    onProgress?: ((p: PackageProgress) => void) | undefined;
    /** The entries of a zip our writer is making, once it has (else the zip is read back for its file list). */
    written?: readonly WrittenEntry[];
  },
): Promise<PackagedArtifact> {
  const target = path.join(options.dir, options.key ? `${options.name}.encrypted` : options.name);
  const plain = new HashingStream((done) => {
    if (!options.silent) options.onProgress?.({ phase: options.key ? 'encrypting' : 'hashing', done, total: options.total });
  });
  const session = options.key ? newSessionKey(options.key) : null;
  const stored = new HashingStream();
  const stages: Transform[] = session ? [plain, session.cipher, stored] : [plain];
  try {
    await pipeline([source, ...stages, await createNewFileStream(target)]);
  } catch (error) {
    if (error instanceof PublishInputError) throw error;
    throw new Error(`Cannot write the bundle: ${describeFsError(error)}.`, { cause: error });
  }
  const content = plain.digests();
  const common = { file: target, name: options.name, contentSha256: content.sha256, contentType: CONTENT_TYPES['.zip']!, kind: 'bundle' as const, cleanup: async () => {} };
  if (!session || !options.key) return { ...common, size: content.size, sha256: content.sha256, crc32: content.crc32, ...(await fileListOf(target, content, options.written)) };
  const bytes = stored.digests();
  return {
    ...common,
    size: bytes.size,
    sha256: bytes.sha256,
    encryption: { sessionKey: session.sessionKey, ...encryptChecksums(content.sha256, options.key), plainSha256: content.sha256, keyId: options.key.keyId },
  };
}
