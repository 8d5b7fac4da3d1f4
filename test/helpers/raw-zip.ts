import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-made zip: its name exactly as given (a Buffer for bytes no string holds), and how to store it. */
export interface RawEntry {
  readonly name: string | Buffer;
  readonly data: string | Buffer;
  /** Unix mode bits, stored in the entry's external attributes (e.g. 0o120777 for a symbolic link). */
  readonly mode?: number;
  readonly deflate?: boolean;
  /** Bit 3: CRC-32 and sizes left zero in the local header and given in a descriptor after the data. */
  readonly dataDescriptor?: boolean;
}

/**
 * A minimal zip writer that writes entry names exactly as given, so tests can build the
 * hostile archives (`../evil`, `/etc/x`, `a\b`, duplicates, symbolic links, NUL names,
 * bombs) that archiver would refuse to make.
 */
export function rawZip(entries: Record<string, string> | readonly RawEntry[]): Buffer {
  const list: readonly RawEntry[] = Array.isArray(entries) ? entries : Object.entries(entries).map(([name, data]) => ({ name, data }));
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of list) {
    const nameBytes = typeof entry.name === 'string' ? Buffer.from(entry.name, 'utf8') : entry.name;
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data, 'utf8') : entry.data;
    const stored = entry.deflate ? deflateRawSync(data) : data;
    const method = entry.deflate ? 8 : 0;
    const crc = crc32(data);
    const flags = 0x0800 | (entry.dataDescriptor ? 0x0008 : 0); // UTF-8 names
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(method, 8);
    if (!entry.dataDescriptor) {
      local.writeUInt32LE(crc, 14);
      local.writeUInt32LE(stored.length, 18);
      local.writeUInt32LE(data.length, 22);
    }
    local.writeUInt16LE(nameBytes.length, 26);
    const descriptor = Buffer.alloc(entry.dataDescriptor ? 16 : 0);
    if (entry.dataDescriptor) {
      descriptor.writeUInt32LE(0x08074b50, 0);
      descriptor.writeUInt32LE(crc, 4);
      descriptor.writeUInt32LE(stored.length, 8);
      descriptor.writeUInt32LE(data.length, 12);
    }
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the external attributes hold a mode
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(flags, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(stored.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(((entry.mode ?? 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, stored, descriptor);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + stored.length + descriptor.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(list.length, 8);
  end.writeUInt16LE(list.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
