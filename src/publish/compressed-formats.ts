/**
 * File types whose bytes are already compressed, so deflating them again costs CPU (it is
 * slowest on exactly such data) and saves next to nothing. Their entries are stored.
 * Left out on purpose: SVG, TTF/OTF, WASM, JSON, maps and BMP/ICO, which deflate well.
 */
/** Extensions (with their dot, lowercase) stored rather than deflated. */
export const ALREADY_COMPRESSED_EXTENSIONS: readonly string[] = [
  // images
  '.avif',
  '.gif',
  '.heic',
  '.heif',
  '.jpeg',
  '.jpg',
  '.jxl',
  '.png',
  '.webp',
  // fonts (WOFF and WOFF2 are zlib and Brotli inside)
  '.woff',
  '.woff2',
  // audio and video
  '.aac',
  '.flac',
  '.m4a',
  '.m4v',
  '.mov',
  '.mp3',
  '.mp4',
  '.oga',
  '.ogg',
  '.ogv',
  '.opus',
  '.webm',
  // precompressed assets and archives
  '.br',
  '.bz2',
  '.gz',
  '.xz',
  '.zip',
  '.zst',
];
const ALREADY_COMPRESSED = new Set(ALREADY_COMPRESSED_EXTENSIONS);

/** Whether the entry `name` is, by its extension, a format that is compressed already. */
export function isAlreadyCompressed(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > name.lastIndexOf('/') && ALREADY_COMPRESSED.has(name.slice(dot).toLowerCase());
}
