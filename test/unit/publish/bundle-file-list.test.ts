import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { parseBundleFiles } from '../../../src/feed/bundle-files.js';
import { listBundleFiles } from '../../../src/publish/bundle-file-list.js';
import { packageArtifact } from '../../../src/publish/package.js';
import { PublishInputError } from '../../../src/publish/errors.js';
import { acceptsGzip } from '../../../src/server/handlers/bundle-file.js';
import { tempDir, writeFolder } from '../../helpers/fixtures.js';
import { rawZip, type RawEntry } from '../../helpers/raw-zip.js';

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

async function zipFile(entries: readonly RawEntry[]): Promise<{ file: string; bytes: Buffer }> {
  const bytes = rawZip(entries);
  const file = path.join(await tempDir('uf-list-'), 'bundle.zip');
  await writeFile(file, bytes);
  return { file, bytes };
}

describe('listBundleFiles: a zip given as a bundle', () => {
  test('every file with its hash, and offsets that find its bytes in the zip; folders are not files', async () => {
    const app = 'let x = 1;\n'.repeat(500);
    const { file, bytes } = await zipFile([
      { name: 'index.html', data: '<h1>hi</h1>', deflate: true },
      { name: 'assets/', data: '' },
      { name: 'assets/app.js', data: app, deflate: true },
      { name: 'assets/raw.bin', data: Buffer.from([1, 2, 3]) },
    ]);
    const list = (await listBundleFiles(file, { size: bytes.length, sha256: sha256(bytes) }))!;
    expect(list.zip).toEqual({ size: bytes.length, sha256: sha256(bytes) });
    expect(list.files.map((f) => [f.name, f.sha256, f.method])).toEqual([
      ['index.html', sha256('<h1>hi</h1>'), 8],
      ['assets/app.js', sha256(app), 8],
      ['assets/raw.bin', sha256(Buffer.from([1, 2, 3])), 0],
    ]);
    for (const f of list.files) {
      const data = bytes.subarray(f.offset, f.offset + f.compressedSize);
      const plain = f.method === 8 ? inflateRawSync(data) : data;
      expect(sha256(plain), f.name).toBe(f.sha256);
    }
  });

  test('a zip whose files sit in one top folder lists them from inside it, as the plugin installs them', async () => {
    const { file, bytes } = await zipFile([
      { name: 'www/index.html', data: 'x' },
      { name: 'www/js/a.js', data: 'y' },
    ]);
    const list = (await listBundleFiles(file, { size: bytes.length, sha256: sha256(bytes) }))!;
    expect(list.files.map((f) => f.name)).toEqual(['index.html', 'js/a.js']);
  });

  test('an entry compressed in a way no range read can serve makes no list: the bundle goes out whole', async () => {
    const { file, bytes } = await zipFile([{ name: 'index.html', data: 'x' }]);
    // Method 12 (bzip2) in both headers.
    const patched = Buffer.from(bytes);
    patched.writeUInt16LE(12, 8);
    patched.writeUInt16LE(12, patched.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 10);
    await writeFile(file, patched);
    expect(await listBundleFiles(file, { size: patched.length, sha256: sha256(patched) })).toBeNull();
  });

  test('an entry whose bytes do not match its CRC-32 is refused as a damaged zip', async () => {
    const { file } = await zipFile([{ name: 'index.html', data: 'hello' }]);
    const damaged = await readFile(file);
    damaged[damaged.indexOf('hello')] = 'j'.charCodeAt(0);
    await writeFile(file, damaged);
    await expect(listBundleFiles(file, { size: damaged.length, sha256: sha256(damaged) })).rejects.toThrow(PublishInputError);
    await expect(listBundleFiles(file, { size: damaged.length, sha256: sha256(damaged) })).rejects.toThrow(/CRC-32/);
  });
});

describe('acceptsGzip (RFC 9110 §12.5.3)', () => {
  test.each([
    ['gzip', true],
    ['gzip, deflate, br', true],
    ['br;q=1.0, gzip;q=0.5', true],
    ['x-gzip', true],
    ['*', true],
    ['gzip;q=0', false],
    ['gzip; q=0.000', false],
    ['identity', false],
    ['deflate, br', false],
    ['', false],
  ])('%j → %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
  test('no header', () => expect(acceptsGzip(null)).toBe(false));
});

describe('the file list of a folder zipped here', () => {
  test('is what the writer reported while zipping, and the same as reading the zip back', async () => {
    const text = Buffer.from('const a = 1;\n'.repeat(800_000)); // past the writer's 8 MiB: streamed and deflated
    const files = new Map<string, Buffer>([
      ['index.html', Buffer.from('<h1>hi</h1>')],
      ['js/app.js', Buffer.from('let x = 1;\n'.repeat(500))],
      ['img/photo.jpg', randomBytes(9 * 1024 * 1024)], // streamed and stored
      ['js/big.js', text],
      ['empty.txt', Buffer.alloc(0)],
    ]);
    const artifact = await packageArtifact({ input: await writeFolder(files), zipName: 'b.zip' });
    try {
      const written = parseBundleFiles(artifact.fileList!.bytes, 'written');
      const readBack = await listBundleFiles(artifact.file, { size: artifact.size, sha256: artifact.sha256 });
      expect(written).toEqual(readBack);
      expect(new Map(written.files.map((f) => [f.name, f.sha256]))).toEqual(new Map([...files].map(([n, b]) => [n, sha256(b)])));
      expect(artifact.fileList!.count).toBe(files.size);
    } finally {
      await artifact.cleanup();
    }
  });
});
