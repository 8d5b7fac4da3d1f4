/**
 * The byte layout of the zip records a bundle is made of (PKWARE APPNOTE.TXT 4.3), and the
 * limits of the plain (non-zip64) format we write.
 *
 * Every field that could vary between two runs is fixed (date, mode, version numbers, no
 * extra fields, no comment), so the same files in the same order give the same bytes.
 */

export const METHOD_STORED = 0;
export const METHOD_DEFLATED = 8;
export type ZipMethod = typeof METHOD_STORED | typeof METHOD_DEFLATED;

/** The most entries the end record counts without zip64. */
export const MAX_ZIP_ENTRIES = 0xffff;
/** Sizes and offsets are 32 bits; 0xFFFFFFFF itself means "look in the zip64 record". */
export const MAX_ZIP_OFFSET = 0xfffffffe;

/** One entry as the central directory describes it. */
export interface ZipEntryRecord {
  /** The entry name in UTF-8 (bit 11 is set on every entry). */
  readonly name: Buffer;
  readonly method: ZipMethod;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /**
   * The CRC-32 and sizes follow the data in a data descriptor (bit 3) instead of the local
   * header. Only ever on deflated entries: every Android release of the Capgo plugin
   * (all 743 tags of Cap-go/capacitor-updater, 5.0.0 to 8.51.14) unzips front to back with
   * java.util.zip.ZipInputStream (5.0.0:A/CapacitorUpdater.java:161,
   * 8.51.14:A/CapgoUpdater.java:322), which throws "only DEFLATED entries can have EXT
   * descriptor" on a stored one (OpenJDK ZipInputStream.readLOC): nothing else would tell it
   * where stored data ends. Deflated entries with a descriptor are what archiver wrote for
   * every entry before. iOS reads the central directory and takes stored entries as well:
   * SSZipArchive (5.0.0:iP/CapacitorUpdater.swift:384; its minizip, ZipArchive
   * v2.4.2:SSZipArchive/minizip/mz_zip.c:1677) and ZIPFoundation (8.51.14:iS/CapgoUpdater.swift:854,
   * weichsel/ZIPFoundation 0.9.19:Sources/ZIPFoundation/Archive+Reading.swift:102-105).
   * (`A/` = android/src/main/java/ee/forgr/capacitor_updater/, `iP/` = ios/Plugin/,
   * `iS/` = ios/Sources/CapacitorUpdaterPlugin/.)
   */
  readonly dataDescriptor: boolean;
  /** Where the entry's local header starts. */
  readonly offset: number;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const DATA_DESCRIPTOR = 0x08074b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

const FLAG_DATA_DESCRIPTOR = 0x0008;
const FLAG_UTF8_NAME = 0x0800;
/** 2.0: deflate and data descriptors; nothing we write needs more. */
const VERSION_NEEDED = 20;
/** Made on Unix (upper byte 3), so readers take the upper half of the external attributes as a mode. */
const VERSION_MADE_BY = (3 << 8) | VERSION_NEEDED;
/** A plain file, rw-r--r--, plus the MS-DOS archive bit, as archiver wrote before: iOS's ZIPFoundation types an entry from these mode bits. */
const EXTERNAL_ATTRIBUTES = ((0o100644 << 16) | 0x20) >>> 0;
/** 1980-01-01 00:00:00, the earliest DOS date: no clock or time zone can change it. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

const flags = (entry: Pick<ZipEntryRecord, 'dataDescriptor'>) => FLAG_UTF8_NAME | (entry.dataDescriptor ? FLAG_DATA_DESCRIPTOR : 0);

/** The header before an entry's data; with a data descriptor its CRC-32 and sizes are left zero. */
export function localFileHeader(entry: Omit<ZipEntryRecord, 'offset'>): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(LOCAL_HEADER, 0);
  header.writeUInt16LE(VERSION_NEEDED, 4);
  header.writeUInt16LE(flags(entry), 6);
  header.writeUInt16LE(entry.method, 8);
  header.writeUInt16LE(DOS_TIME, 10);
  header.writeUInt16LE(DOS_DATE, 12);
  if (!entry.dataDescriptor) {
    header.writeUInt32LE(entry.crc32, 14);
    header.writeUInt32LE(entry.compressedSize, 18);
    header.writeUInt32LE(entry.size, 22);
  }
  header.writeUInt16LE(entry.name.length, 26);
  return Buffer.concat([header, entry.name]);
}

/** How many bytes an entry takes before the central directory: local header, name, data and any descriptor. */
export function entryLength(entry: Omit<ZipEntryRecord, 'offset'>): number {
  return 30 + entry.name.length + entry.compressedSize + (entry.dataDescriptor ? 16 : 0);
}

/** The record after a descriptor entry's data, with the signature most readers expect. */
export function dataDescriptor(entry: Pick<ZipEntryRecord, 'crc32' | 'compressedSize' | 'size'>): Buffer {
  const record = Buffer.alloc(16);
  record.writeUInt32LE(DATA_DESCRIPTOR, 0);
  record.writeUInt32LE(entry.crc32, 4);
  record.writeUInt32LE(entry.compressedSize, 8);
  record.writeUInt32LE(entry.size, 12);
  return record;
}

/** An entry's record in the central directory. */
export function centralDirectoryHeader(entry: ZipEntryRecord): Buffer {
  const header = Buffer.alloc(46);
  header.writeUInt32LE(CENTRAL_HEADER, 0);
  header.writeUInt16LE(VERSION_MADE_BY, 4);
  header.writeUInt16LE(VERSION_NEEDED, 6);
  header.writeUInt16LE(flags(entry), 8);
  header.writeUInt16LE(entry.method, 10);
  header.writeUInt16LE(DOS_TIME, 12);
  header.writeUInt16LE(DOS_DATE, 14);
  header.writeUInt32LE(entry.crc32, 16);
  header.writeUInt32LE(entry.compressedSize, 20);
  header.writeUInt32LE(entry.size, 24);
  header.writeUInt16LE(entry.name.length, 28);
  header.writeUInt32LE(EXTERNAL_ATTRIBUTES, 38);
  header.writeUInt32LE(entry.offset, 42);
  return Buffer.concat([header, entry.name]);
}

/** The record that ends the zip and says where its central directory is. */
export function endOfCentralDirectory(directory: { readonly entries: number; readonly size: number; readonly offset: number }): Buffer {
  const record = Buffer.alloc(22);
  record.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  record.writeUInt16LE(directory.entries, 8);
  record.writeUInt16LE(directory.entries, 10);
  record.writeUInt32LE(directory.size, 12);
  record.writeUInt32LE(directory.offset, 16);
  return record;
}
