import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { promisify } from 'node:util';
import { brotliCompress, constants, createBrotliCompress, createInflateRaw, crc32, inflateRaw } from 'node:zlib';
import type { BundleFile } from '../feed/bundle-files.js';
import type { ByteRange } from '../store/types.js';

/**
 * How one file of a bundle is sent:
 * - `identity`: its own bytes (inflated from the zip as they are read), or `range` of them;
 * - `gzip`: a deflated entry's data as it is in the zip, between a gzip header and trailer
 *   (RFC 1952: the deflate data, its CRC-32 and size, all of which the zip has). No work for the
 *   server, and the client's gzip decoder checks the CRC;
 * - `brotli`: inflated, then compressed with brotli, for plugins that decompress what they download.
 */
export type FileEncoding = { readonly kind: 'identity'; readonly range?: ByteRange } | { readonly kind: 'gzip' } | { readonly kind: 'brotli' };

/** Bytes of the gzip wrapping around deflate data: a 10-byte header and an 8-byte trailer. */
const GZIP_OVERHEAD = 18;

/** The length of the body `encoding` gives, when it is known before compressing. */
export function bodyLength(file: BundleFile, encoding: FileEncoding): number | null {
  switch (encoding.kind) {
    case 'identity':
      return encoding.range ? encoding.range.end - encoding.range.start + 1 : file.size;
    case 'gzip':
      return file.compressedSize + GZIP_OVERHEAD;
    case 'brotli':
      return null;
  }
}

/**
 * Files up to this size (stored and inflated) are read, inflated and answered whole: a web
 * build's files almost all are, and one buffer costs far less than a chain of streams. Larger
 * ones stream, so memory stays bounded whatever the file.
 */
export const WHOLE_FILE_MAX = 1024 * 1024;

export function servedWhole(file: BundleFile): boolean {
  return file.size <= WHOLE_FILE_MAX && file.compressedSize <= WHOLE_FILE_MAX;
}

const inflateRawAsync = promisify(inflateRaw);
/** zlib's smallest output chunk (zlib.constants.Z_MIN_CHUNK). */
const MIN_ZLIB_CHUNK = 64;
const brotliCompressAsync = promisify(brotliCompress);

/**
 * The body of `file` in `encoding` from `data`, its entry's bytes as the zip holds them, all in
 * memory (a file servedWhole). Inflating and compressing run on libuv's thread pool. Throws when
 * the bytes are not the file the list describes.
 */
export async function wholeFileBody(file: BundleFile, data: Buffer, encoding: FileEncoding): Promise<Buffer> {
  if (encoding.kind === 'gzip') return Buffer.concat([GZIP_HEADER, data, gzipTrailer(file)]);
  // The output's size is known: one chunk that holds it all is one round trip to the thread pool, not one per 16 KiB.
  const plain = file.method === 8 ? await inflateRawAsync(data, { chunkSize: Math.max(file.size, MIN_ZLIB_CHUNK) }) : data;
  if (plain.length !== file.size || crc32(plain) !== Number.parseInt(file.crc32, 16)) throw mismatch(file);
  if (encoding.kind === 'brotli') return brotliCompressAsync(plain, { params: brotliParams(file), chunkSize: Math.max(file.size, MIN_ZLIB_CHUNK) });
  return encoding.range ? plain.subarray(encoding.range.start, encoding.range.end + 1) : plain;
}

/** Whether `file` goes to a client that takes gzip as its deflate data as stored: a deflated, non-empty entry. */
export function sentAsStoredGzip(file: BundleFile): boolean {
  return file.method === 8 && file.size > 0;
}

/**
 * The body of `file` in `encoding`, from `data`: the entry's bytes exactly as the zip holds them.
 * A file whose bytes do not match the CRC-32 its list records ends the stream with an error, so the
 * client sees a cut-off transfer, never wrong bytes that look whole.
 */
export function fileBody(file: BundleFile, data: Readable, encoding: FileEncoding): Readable {
  if (encoding.kind === 'gzip') return Readable.from(gzipWrapped(file, data));
  const stages: (Readable | Transform)[] = [data];
  if (file.method === 8) stages.push(createInflateRaw());
  stages.push(new CrcCheck(file));
  if (encoding.kind === 'brotli') {
    stages.push(createBrotliCompress({ params: brotliParams(file) }));
  } else if (encoding.range) stages.push(new Slice(encoding.range));
  // pipeline destroys every stage with the first error, the last one (which the response reads) included.
  return pipeline(stages, () => {}) as unknown as Readable;
}

/**
 * Brotli's quality 5: within a few percent of its best on web code, at a fraction of the
 * CPU time of 11, which would cost more per request than the whole rest of the route.
 */
const BROTLI_QUALITY = 5;

const brotliParams = (file: BundleFile) => ({ [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY, [constants.BROTLI_PARAM_SIZE_HINT]: file.size });

// ID1 ID2, CM = deflate, no flags, no mtime, no extra flags, OS = unknown (RFC 1952 §2.3).
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);

/** CRC-32 and size modulo 2^32 (RFC 1952 §2.3.1): both are in the file list. */
function gzipTrailer(file: BundleFile): Buffer {
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(Number.parseInt(file.crc32, 16), 0);
  trailer.writeUInt32LE(file.size % 2 ** 32, 4);
  return trailer;
}

const mismatch = (file: BundleFile) => new Error(`'${file.name}' read from the stored zip does not match its file list (size or CRC-32).`);

async function* gzipWrapped(file: BundleFile, data: Readable): AsyncGenerator<Buffer> {
  yield GZIP_HEADER;
  for await (const chunk of data) yield chunk as Buffer;
  yield gzipTrailer(file);
}

/**
 * Passes bytes through and fails at the end unless they are `file`'s: its size and CRC-32. The
 * last chunk is held back until the check passes, so a failed file is always short of its
 * Content-Length, which the client sees as a broken transfer.
 */
class CrcCheck extends Transform {
  private crc = 0;
  private seen = 0;
  private held: Buffer | null = null;

  constructor(private readonly file: BundleFile) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.crc = crc32(chunk, this.crc);
    this.seen += chunk.length;
    if (this.seen > this.file.size) return done(mismatch(this.file));
    const previous = this.held;
    this.held = chunk;
    done(null, previous ?? undefined);
  }

  override _flush(done: TransformCallback): void {
    if (this.seen !== this.file.size || this.crc !== Number.parseInt(this.file.crc32, 16)) return done(mismatch(this.file));
    done(null, this.held ?? undefined);
  }
}

/** Passes on only the bytes of `range`, counted from the stream's start. */
class Slice extends Transform {
  private at = 0;

  constructor(private readonly range: ByteRange) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const from = Math.max(this.range.start - this.at, 0);
    const to = Math.min(this.range.end + 1 - this.at, chunk.length);
    this.at += chunk.length;
    done(null, from < to ? chunk.subarray(from, to) : undefined);
  }
}
