import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PublishInputError } from '../../src/publish/errors.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { LIVE_CONFIG } from '../helpers/live-feed.js';
import { rawZip, type RawEntry } from '../helpers/raw-zip.js';

/**
 * What a device extracts must stay inside its bundle folder and mean one thing: the
 * same rules for a zip we are given and for one we make from a folder
 * (shared/research/security-findings.md F5, F6).
 */
async function attempt(bundlePath: string) {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const config = await writeConfig(LIVE_CONFIG);
  const error = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: bundlePath } }).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { error, releases: await store.listReleases() };
}

async function refused(bundlePath: string): Promise<string> {
  const { error, releases } = await attempt(bundlePath);
  if (!(error instanceof PublishInputError)) throw new Error(`expected a refusal, got ${String(error)}`);
  expect(error.field).toBe('path');
  expect(releases).toEqual([]);
  return error.message;
}

describe('a folder made into a bundle', () => {
  test.each([
    ['a backslash, which extractors on Windows-minded code take for a folder', 'sub\\..\\..\\evil.js', /evil\.js' in .* has a backslash/],
    ['a colon, which archiver strips as a drive letter (x:index.html became a second index.html)', 'x:index.html', /'x:index\.html' .*colon/],
    ['a control character', 'tab\there.js', /control character/],
  ])('refuses a file name with %s', async (_label, name, message) => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'index.html'), '<h1>real</h1>');
    await mkdir(path.join(dir, 'sub'));
    await writeFile(path.join(dir, name), 'evil()');
    expect(await refused(dir)).toMatch(message);
  });

  test('refuses two names a case-insensitive file system (iOS, macOS, Windows) takes for one', async () => {
    const dir = await tempDir();
    await writeFile(path.join(dir, 'index.html'), '<h1>real</h1>');
    await writeFile(path.join(dir, 'INDEX.html'), '<script>evil()</script>');
    expect(await refused(dir)).toMatch(/'INDEX\.html' and 'index\.html' are the same file on a case-insensitive/);
  });
});

describe('a .zip given as a bundle', () => {
  const zip = async (entries: readonly RawEntry[]) => writeBuild(rawZip([{ name: 'index.html', data: '<h1>real</h1>' }, ...entries]), 'bundle.zip');

  test.each<[string, readonly RawEntry[], RegExp]>([
    ['a symbolic link entry', [{ name: 'passwd', data: '/etc/passwd', mode: 0o120777 }], /'passwd' is a symbolic link/],
    [
      'a link to a folder outside, then a file through it',
      [
        { name: 'lnk', data: '../../../', mode: 0o120777 },
        { name: 'lnk/evil.js', data: 'evil()' },
      ],
      /'lnk' is a symbolic link/,
    ],
    ['the same name twice', [{ name: 'index.html', data: '<script>evil()</script>' }], /'index\.html' is in it twice/],
    ['a name a NUL byte cuts short', [{ name: Buffer.from('a\u0000b.js', 'latin1'), data: 'x' }], /NUL/],
    ['a drive letter in a name', [{ name: 'x:index.html', data: 'evil()' }], /absolute path: x:index\.html/],
    ['a colon inside a name', [{ name: 'assets/x:y.js', data: 'evil()' }], /'assets\/x:y\.js' has a colon/],
    ['a zip bomb (20 MiB of zeros in 20 KiB)', [{ name: 'zeros.bin', data: Buffer.alloc(20 * 1024 * 1024), deflate: true }], /'zeros\.bin' inflates .* times its size/],
  ])('refuses %s', async (_label, entries, message) => {
    expect(await refused(await zip(entries))).toMatch(message);
  });

  test('refuses an entry whose real size is not the size it declares', async () => {
    const honest = rawZip([
      { name: 'index.html', data: '<h1>real</h1>' },
      { name: 'app.js', data: 'x'.repeat(1000) },
    ]);
    // The central directory's uncompressed size of app.js (the second entry) says 10 bytes.
    const centralStart = honest.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]), honest.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 1);
    honest.writeUInt32LE(10, centralStart + 24);
    expect(await refused(await writeBuild(honest, 'bundle.zip'))).toMatch(/not a usable zip/);
  });

  test('takes an ordinary deflated web build', async () => {
    const { error } = await attempt(await zip([{ name: 'assets/app.js', data: 'console.log(1);'.repeat(5000), deflate: true }]));
    expect(error).toBeUndefined();
  });
});
