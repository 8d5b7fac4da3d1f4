import { crc32, deflateSync } from 'node:zlib';
import qrcode from 'qrcode-generator';

/** The quiet zone the QR specification asks for around the code, in modules. */
const QUIET = 4;
/** Pixels per module: about 300 px for a link, sharp enough to scan off a screen or a printout. */
const SCALE = 8;

/**
 * A QR code of `text` as a PNG file's bytes: black modules on white, 8-bit greyscale. The PNG
 * is written with node:zlib alone (deflate and CRC-32 are all the format needs), so the action
 * bundles no image library; `qrcode-generator` is the one the tester page draws its codes with.
 */
export function qrPng(text: string): Buffer {
  const code = qrcode(0, 'M');
  code.addData(text, 'Byte');
  code.make();
  const modules = code.getModuleCount();
  const side = (modules + QUIET * 2) * SCALE;
  // Each row: filter type 0 (none), then one byte per pixel.
  const rows = Buffer.alloc((side + 1) * side, 0xff);
  for (let y = 0; y < side; y++) {
    rows[y * (side + 1)] = 0;
    const row = Math.floor(y / SCALE) - QUIET;
    for (let x = 0; x < side; x++) {
      const col = Math.floor(x / SCALE) - QUIET;
      if (row >= 0 && row < modules && col >= 0 && col < modules && code.isDark(row, col)) rows[y * (side + 1) + 1 + x] = 0;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header[8] = 8; // bit depth
  header[9] = 0; // colour type: greyscale
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A PNG chunk: length, type, data, and the CRC-32 of type and data (PNG specification, section 5.3). */
function chunk(type: string, data: Buffer): Buffer {
  const typed = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}
