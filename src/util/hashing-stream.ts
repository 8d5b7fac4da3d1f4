import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { crc32 } from 'node:zlib';

/** What a HashingStream saw go through it. */
export interface Digests {
  readonly size: number;
  readonly sha256: string;
  /** 8 lowercase hex digits. */
  readonly crc32: string;
}

/**
 * Passes bytes through unchanged while computing their SHA-256, CRC32 and length, so a
 * file is hashed in the same pass that zips, encrypts or copies it.
 */
export class HashingStream extends Transform {
  private readonly hash = createHash('sha256');
  private crc = 0;
  private size = 0;

  constructor(private readonly onBytes?: (total: number) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null, data?: Buffer) => void): void {
    this.hash.update(chunk);
    this.crc = crc32(chunk, this.crc);
    this.size += chunk.length;
    this.onBytes?.(this.size);
    done(null, chunk);
  }

  /** Valid once the stream has finished. */
  digests(): Digests {
    return { size: this.size, sha256: this.hash.digest('hex'), crc32: this.crc.toString(16).padStart(8, '0') };
  }
}
