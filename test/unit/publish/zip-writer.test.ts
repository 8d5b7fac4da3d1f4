import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, cp, mkdir, readFile, truncate, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { describe, expect, test } from 'vitest';
import { PublishInputError } from '../../../src/publish/errors.js';
import { packageArtifact } from '../../../src/publish/package.js';
import { zipFiles, zipLimitProblem, type ZipSourceFile } from '../../../src/publish/zip-writer.js';
import { tempDir } from '../../helpers/fixtures.js';
import { rawZip } from '../../helpers/raw-zip.js';
import { javaZipInputStream, pythonEntries, unzipTest } from '../../helpers/zip-readers.js';

const MiB = 1024 * 1024;
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A web build with one entry of each kind the writer makes. */
async function webBuild(): Promise<{ dir: string; files: ZipSourceFile[]; contents: Map<string, Buffer> }> {
  const dir = await tempDir();
  const contents = new Map<string, Buffer>([
    ['index.html', Buffer.from('<!doctype html><script src="app.js"></script>')],
    ['app.js', Buffer.from('function add(a, b) { return a + b; }\n'.repeat(2000))], // deflated
    ['empty.txt', Buffer.alloc(0)],
    ['img/photo.webp', randomBytes(50_000)], // stored: compressed already
    ['data/noise.bin', randomBytes(20_000)], // stored: deflate cannot shrink it
    ['i18n/grüße.json', Buffer.from('{"hello":"hallo"}')], // a UTF-8 name
    ['big/vendor.js', Buffer.from('export const x = [1, 2, 3];\n'.repeat(Math.ceil((9 * MiB) / 28)))], // streamed, deflated, data descriptor
    ['big/video.mp4', randomBytes(9 * MiB)], // streamed, stored in two reads
  ]);
  for (const [name, bytes] of contents) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), bytes);
  }
  const files = [...contents].map(([name, bytes]) => ({ path: path.join(dir, name), name, size: bytes.length }));
  return { dir, files, contents };
}

async function zipTo(files: readonly ZipSourceFile[], onProgress?: (done: number) => void): Promise<string> {
  const out = path.join(await tempDir(), 'out.zip');
  await pipeline(zipFiles(files, { level: 6, onProgress }), createWriteStream(out));
  return out;
}

describe('zipFiles', () => {
  test('Python zipfile reads every entry back; no stored entry defers its CRC-32 and sizes to a data descriptor', async () => {
    const { files, contents } = await webBuild();
    const entries = pythonEntries(await zipTo(files));
    expect(entries.map((e) => [e.name, e.size, e.sha256])).toEqual([...contents].map(([name, bytes]) => [name, bytes.length, sha256(bytes)]));
    const method = new Map(entries.map((e) => [e.name, e.method]));
    expect(method).toEqual(
      new Map([
        ['index.html', 8],
        ['app.js', 8],
        ['empty.txt', 0],
        ['img/photo.webp', 0],
        ['data/noise.bin', 0],
        ['i18n/grüße.json', 8],
        ['big/vendor.js', 8],
        ['big/video.mp4', 0],
      ]),
    );
    for (const e of entries) {
      expect(e.localFlags).toBe(e.centralFlags);
      expect(e.localFlags & 0x0800).toBe(0x0800); // UTF-8 names
      // Only the streamed deflated entry has bit 3; ZipInputStream refuses it on a stored one.
      expect(e.localFlags & 0x0008).toBe(e.name === 'big/vendor.js' ? 0x0008 : 0);
    }
  });

  test('unzip -t finds every entry intact', async () => {
    const { files } = await webBuild();
    expect(unzipTest(await zipTo(files))).toMatch(/No errors detected/);
  });

  test("java.util.zip.ZipInputStream, the Android plugin's reader, streams every entry back", async () => {
    const { files, contents } = await webBuild();
    expect(javaZipInputStream(await zipTo(files))).toEqual(new Map([...contents].map(([name, bytes]) => [name, `${sha256(bytes)} ${bytes.length}`])));
  });

  test('(the Java reader does refuse a stored entry with a data descriptor, so the test above means something)', async () => {
    const zip = path.join(await tempDir(), 'bit3.zip');
    await writeFile(zip, rawZip([{ name: 'index.html', data: 'x', dataDescriptor: true }]));
    expect(() => javaZipInputStream(zip)).toThrow(/only DEFLATED entries can have EXT descriptor/);
  });

  test('the same files give the same bytes, whatever their dates and modes', async () => {
    const { dir, files } = await webBuild();
    const first = await readFile(await zipTo(files));
    const copy = path.join(await tempDir(), 'copy');
    await cp(dir, copy, { recursive: true });
    await utimes(path.join(copy, 'app.js'), new Date('2030-05-05'), new Date('2030-05-05'));
    await chmod(path.join(copy, 'index.html'), 0o600);
    const again = await readFile(await zipTo(files.map((f) => ({ ...f, path: path.join(copy, f.name) }))));
    expect(again.equals(first)).toBe(true);
  });

  test('reports progress up to every input byte', async () => {
    const { files } = await webBuild();
    const seen: number[] = [];
    await zipTo(files, (done) => seen.push(done));
    expect(seen.at(-1)).toBe(files.reduce((sum, f) => sum + f.size, 0));
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
  });

  test.each([
    ['a small file', 'small.js', 10],
    ['a streamed file', 'big.js', 9 * MiB],
  ])('fails when %s is not the size it was listed with (changed while zipping)', async (_label, name, size) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, name), Buffer.alloc(size + 1, 'a'));
    const error = await zipTo([{ path: path.join(dir, name), name, size }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishInputError);
    expect((error as Error).message).toBe(`'${name}' changed while it was being zipped; publish again once the build has finished.`);
  });
});

describe('zip limits (no zip64)', () => {
  test('65,535 entries are fine; one more is refused', () => {
    const files = (n: number) => Array.from({ length: n }, (_, i) => ({ path: `/x/${i}`, name: `${i}.js`, size: 1 }));
    expect(zipLimitProblem(files(65_535))).toBeNull();
    expect(zipLimitProblem(files(65_536))).toBe('holds 65536 files, more than the 65535 a zip without zip64 can list');
  });

  test('a folder past 4 GiB is refused before anything is read', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'index.html'), 'x');
    await writeFile(path.join(dir, 'movie.mp4'), '');
    await truncate(path.join(dir, 'movie.mp4'), 4 * 1024 ** 3); // sparse: no disk used
    const error = await packageArtifact({ input: dir, zipName: 'b.zip' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PublishInputError);
    expect((error as Error).message).toMatch(/holds 4\.0 GiB, more than the 4 GiB a zip without zip64 can hold; a live-update bundle is a web build/);
  });
});
