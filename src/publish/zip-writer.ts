import { Readable } from 'node:stream';
import { prepareEntry, streamLargeEntry, type PreparedEntry, type ZipSourceFile } from './zip-entry-data.js';
import { centralDirectoryHeader, endOfCentralDirectory, entryLength, localFileHeader, MAX_ZIP_ENTRIES, MAX_ZIP_OFFSET, type ZipEntryRecord } from './zip-records.js';

export type { ZipSourceFile } from './zip-entry-data.js';

export interface ZipOptions {
  /** zlib's deflate level, 0–9. */
  readonly level: number;
  /** Called with the number of input bytes zipped so far. */
  readonly onProgress?: ((done: number) => void) | undefined;
  /** Called with each entry once it is written: its record (where it is, how it is stored) and its file's SHA-256. */
  readonly onEntry?: ((entry: ZipEntryRecord, sha256: string) => void) | undefined;
}

/** Files up to this size are read and deflated whole (several at once); larger ones are streamed. */
const WHOLE_FILE_MAX = 8 * 1024 * 1024;
/** How much input may be read or deflated ahead of the entry being written: what bounds memory. */
const AHEAD_BYTES = 16 * 1024 * 1024;
/** Enough work in flight for libuv's four pool threads (reads and deflates) on any core count we run on. */
const AHEAD_ENTRIES = 16;
/** A local header and a central record per entry, without the name: what the format adds to the data. */
const PER_ENTRY_OVERHEAD = 30 + 46 + 16;

/**
 * Why `files` cannot make a zip without zip64 (more than 65,535 entries, or more than
 * 4 GiB), or null. Deflate can only shrink what it keeps (an entry it would grow is stored),
 * so the input's size bounds the zip's, streamed entries aside.
 */
export function zipLimitProblem(files: readonly ZipSourceFile[]): string | null {
  if (files.length > MAX_ZIP_ENTRIES) return `holds ${files.length} files, more than the ${MAX_ZIP_ENTRIES} a zip without zip64 can list`;
  const bound = files.reduce((sum, f) => sum + f.size + Buffer.byteLength(f.name) * 2 + PER_ENTRY_OVERHEAD, 22);
  if (bound > MAX_ZIP_OFFSET) return `holds ${(bound / 1024 ** 3).toFixed(1)} GiB, more than the 4 GiB a zip without zip64 can hold`;
  return null;
}

/**
 * The zip of `files`, in their order, as a stream: the same files always give the same
 * bytes. Entries are read and deflated ahead, several at once on libuv's thread pool,
 * and written in order; memory stays within a few times AHEAD_BYTES whatever the total.
 * Throws (as the stream's error) a RangeError past zipLimitProblem's limits.
 */
export function zipFiles(files: readonly ZipSourceFile[], options: ZipOptions): Readable {
  return Readable.from(zipBytes(files, options), { objectMode: false });
}

async function* zipBytes(files: readonly ZipSourceFile[], options: ZipOptions): AsyncGenerator<Buffer> {
  const problem = zipLimitProblem(files);
  if (problem) throw new RangeError(`The folder ${problem}.`);
  const ahead = new ReadAhead(files, options.level);
  const records: ZipEntryRecord[] = [];
  let offset = 0;
  let done = 0;
  const progress = (bytes: number) => {
    done += bytes;
    options.onProgress?.(done);
  };
  for (const [index, file] of files.entries()) {
    checkOffset(offset);
    const name = Buffer.from(file.name, 'utf8');
    if (file.size > WHOLE_FILE_MAX) {
      const { entry, sha256 } = yield* streamLargeEntry(file, name, options.level, progress);
      const record = { ...entry, offset };
      records.push(record);
      options.onEntry?.(record, sha256);
      offset += entryLength(entry);
      continue;
    }
    const prepared = await ahead.take(index);
    const record: ZipEntryRecord = { name, method: prepared.method, crc32: prepared.crc32, compressedSize: prepared.data.length, size: file.size, dataDescriptor: false, offset };
    yield localFileHeader(record);
    yield prepared.data;
    offset += entryLength(record);
    records.push(record);
    options.onEntry?.(record, prepared.sha256);
    progress(file.size);
  }
  checkOffset(offset);
  const directory = records.map(centralDirectoryHeader);
  const size = directory.reduce((sum, header) => sum + header.length, 0);
  checkOffset(offset + size);
  yield* directory;
  yield endOfCentralDirectory({ entries: records.length, size, offset });
}

/** Streamed entries can outgrow their file a little; the format's 32-bit fields cannot follow. */
function checkOffset(offset: number): void {
  if (offset > MAX_ZIP_OFFSET) throw new RangeError('The zip would pass 4 GiB, more than a zip without zip64 can hold.');
}

/**
 * Starts preparing the whole-file entries after the one being written, within
 * AHEAD_BYTES and AHEAD_ENTRIES, and hands them out in order.
 */
class ReadAhead {
  private readonly started = new Map<number, Promise<PreparedEntry>>();
  private next = 0;
  private bytes = 0;

  constructor(
    private readonly files: readonly ZipSourceFile[],
    private readonly level: number,
  ) {}

  /** The prepared entry `index`; called once per whole-file entry, in order. */
  async take(index: number): Promise<PreparedEntry> {
    this.fill();
    if (!this.started.has(index)) this.start(index);
    try {
      return await this.started.get(index)!;
    } finally {
      this.started.delete(index);
      this.bytes -= this.files[index]!.size;
      this.fill();
    }
  }

  private fill(): void {
    for (; this.next < this.files.length && this.started.size < AHEAD_ENTRIES; this.next++) {
      const file = this.files[this.next]!;
      if (file.size > WHOLE_FILE_MAX) continue;
      // Always one in flight, however large, so a file near the limit still goes.
      if (this.started.size > 0 && this.bytes + file.size > AHEAD_BYTES) return;
      this.start(this.next);
    }
  }

  private start(index: number): void {
    const file = this.files[index]!;
    const prepared = prepareEntry(file, this.level);
    prepared.catch(() => {}); // awaited in order by take(); a zip abandoned early never awaits it
    this.started.set(index, prepared);
    this.bytes += file.size;
  }
}
