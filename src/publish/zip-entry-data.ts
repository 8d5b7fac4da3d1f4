import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { crc32, createDeflateRaw, deflateRaw } from 'node:zlib';
import { isAlreadyCompressed } from './compressed-formats.js';
import { PublishInputError } from './errors.js';
import { dataDescriptor, localFileHeader, METHOD_DEFLATED, METHOD_STORED, type ZipEntryRecord, type ZipMethod } from './zip-records.js';

/** A file to put in a zip: where it is, its entry name, and the size it had when listed. */
export interface ZipSourceFile {
  readonly path: string;
  readonly name: string;
  readonly size: number;
}

/** An entry's data held in memory, with what its headers need and the SHA-256 of the file (for its file list). */
export interface PreparedEntry {
  readonly method: ZipMethod;
  readonly crc32: number;
  readonly data: Buffer;
  readonly sha256: string;
}

// Large enough that zlib's thread-pool round trips are few, small enough that a few
// deflates at once stay a few hundred KiB.
const ZLIB_CHUNK = 128 * 1024;
const READ_CHUNK = 1024 * 1024;
const deflateRawAsync = promisify(deflateRaw);

const changed = (file: ZipSourceFile) => new PublishInputError('path', `'${file.name}' changed while it was being zipped; publish again once the build has finished.`);

/**
 * Reads a whole file and deflates it unless its format is compressed already. zlib's
 * asynchronous deflate runs on libuv's thread pool, so several of these at once use
 * every core while the main thread writes and hashes the zip.
 */
export async function prepareEntry(file: ZipSourceFile, level: number): Promise<PreparedEntry> {
  const bytes = await readFile(file.path);
  if (bytes.length !== file.size) throw changed(file);
  const crc = crc32(bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (isAlreadyCompressed(file.name)) return { method: METHOD_STORED, crc32: crc, data: bytes, sha256 };
  const deflated = await deflateRawAsync(bytes, { level, chunkSize: ZLIB_CHUNK });
  // As the zip tool does: what deflate cannot shrink is stored, which also extracts faster.
  if (deflated.length >= bytes.length) return { method: METHOD_STORED, crc32: crc, data: bytes, sha256 };
  return { method: METHOD_DEFLATED, crc32: crc, data: deflated, sha256 };
}

type EntryWithoutOffset = Omit<ZipEntryRecord, 'offset'>;

/** A streamed entry's record, and the SHA-256 of its file. */
export interface StreamedEntry {
  readonly entry: EntryWithoutOffset;
  readonly sha256: string;
}

/**
 * A file too large to hold in memory, streamed: stored entries take two reads (the CRC-32
 * first, since a stored entry must carry it in its local header, see ZipEntryRecord),
 * deflated ones one read and a data descriptor. Yields the entry's bytes, returns its record.
 */
export async function* streamLargeEntry(file: ZipSourceFile, name: Buffer, level: number, onBytes: (bytes: number) => void): AsyncGenerator<Buffer, StreamedEntry> {
  const hash = createHash('sha256');
  if (isAlreadyCompressed(file.name)) {
    let crc = 0;
    for await (const chunk of readChunks(file)) crc = crc32(chunk, crc);
    const entry: EntryWithoutOffset = { name, method: METHOD_STORED, crc32: crc, compressedSize: file.size, size: file.size, dataDescriptor: false };
    yield localFileHeader(entry);
    let again = 0;
    let size = 0;
    for await (const chunk of readChunks(file)) {
      again = crc32(chunk, again);
      hash.update(chunk);
      size += chunk.length;
      if (size > file.size) throw changed(file);
      onBytes(chunk.length);
      yield chunk;
    }
    if (again !== crc || size !== file.size) throw changed(file);
    return { entry, sha256: hash.digest('hex') };
  }

  yield localFileHeader({ name, method: METHOD_DEFLATED, crc32: 0, compressedSize: 0, size: 0, dataDescriptor: true });
  let crc = 0;
  let size = 0;
  let compressedSize = 0;
  const deflate = createDeflateRaw({ level, chunkSize: ZLIB_CHUNK });
  const feeding = pipeline(
    readChunks(file),
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        crc = crc32(chunk, crc);
        hash.update(chunk);
        size += chunk.length;
        onBytes(chunk.length);
        yield chunk;
      }
    },
    deflate,
  );
  feeding.catch(() => {}); // its error also ends the loop below, which throws it
  for await (const chunk of deflate as AsyncIterable<Buffer>) {
    compressedSize += chunk.length;
    yield chunk;
  }
  await feeding;
  if (size !== file.size) throw changed(file);
  const entry: EntryWithoutOffset = { name, method: METHOD_DEFLATED, crc32: crc, compressedSize, size, dataDescriptor: true };
  yield dataDescriptor(entry);
  return { entry, sha256: hash.digest('hex') };
}

function readChunks(file: ZipSourceFile): AsyncIterable<Buffer> {
  return createReadStream(file.path, { highWaterMark: READ_CHUNK });
}
