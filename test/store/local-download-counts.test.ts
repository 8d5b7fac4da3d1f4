import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { LocalStore } from '../../src/store/local/store.js';
import type { Asset, Release } from '../../src/store/store.js';
import { tempDir } from '../helpers/fixtures.js';

/** The local store's own download counter (src/store/local/download-counter.ts), on a real folder. */

async function storeWithAsset(content = Buffer.from('0123456789')): Promise<{ dir: string; store: LocalStore; release: Release; asset: Asset }> {
  const dir = path.join(await tempDir(), 'store');
  const store = await LocalStore.openOrCreate(dir);
  const release = await store.createRelease({ tag: 'rocket/release/v1.0.0', name: '', body: '', draft: false });
  const asset = await store.uploadAsset(release, {
    name: 'rocket.apk',
    label: 'rocket.apk',
    contentType: 'application/octet-stream',
    size: content.length,
    open: () => Readable.from([content]),
  });
  return { dir, store, release, asset };
}

const drain = async (stream: ReadableStream<Uint8Array>) => Buffer.from(await new Response(stream).arrayBuffer());

describe('the local store’s download counts', () => {
  test('opening from the first byte counts, a later range does not; a never-downloaded asset is 0 and an unknown id is left out', async () => {
    const { store, asset } = await storeWithAsset();
    expect(await store.downloadCounts([asset.id, 'ffffffffffffffff', '../../etc/passwd'])).toEqual(new Map([[asset.id, 0]]));

    expect((await drain(await store.openAsset(asset.id))).toString()).toBe('0123456789');
    expect((await drain(await store.openAsset(asset.id, { start: 4, end: 9 }))).toString()).toBe('456789');
    expect((await drain(await store.openAsset(asset.id, { start: 0, end: 3 }))).toString()).toBe('0123');
    expect(await store.downloadCounts([asset.id])).toEqual(new Map([[asset.id, 2]]));
  });

  test('concurrent downloads through two store instances lose no count', async () => {
    const { dir, asset } = await storeWithAsset();
    const stores = [await LocalStore.open(dir), await LocalStore.open(dir)];
    await Promise.all(Array.from({ length: 60 }, async (_, i) => (await stores[i % 2]!.openAsset(asset.id)).cancel()));
    expect(await stores[0]!.downloadCounts([asset.id])).toEqual(new Map([[asset.id, 60]]));
    // One byte per download: the counter is a file any tool can read.
    expect(await readFile(path.join(dir, 'downloads', asset.id), 'utf8')).toBe('\n'.repeat(60));
  });

  test('a count that cannot be written does not fail the download', async () => {
    const { dir, store, asset } = await storeWithAsset();
    // Where the counters' folder should be, a file: every count fails (as on a read-only folder).
    await writeFile(path.join(dir, 'downloads'), 'not a folder');
    expect((await drain(await store.openAsset(asset.id))).toString()).toBe('0123456789');
    // Reading the counts fails as any read of a damaged store does (the server then shows none).
    await expect(store.downloadCounts([asset.id])).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  test('deleting the release deletes its assets’ counters', async () => {
    const { dir, store, release, asset } = await storeWithAsset();
    await (await store.openAsset(asset.id)).cancel();
    await store.deleteRelease(release);
    expect(await store.downloadCounts([asset.id])).toEqual(new Map());
    await expect(readFile(path.join(dir, 'downloads', asset.id))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
