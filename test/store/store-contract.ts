import { Readable } from 'node:stream';
import { describe, expect, test } from 'vitest';
import { StoreConflictError, StoreNotFoundError } from '../../src/store/errors.js';
import type { Store } from '../../src/store/store.js';
import type { AssetUpload } from '../../src/store/types.js';

export function upload(content: string | Buffer, name = 'app.apk'): AssetUpload {
  const bytes = Buffer.from(content);
  return { name, label: `${name} (label)`, contentType: 'application/octet-stream', size: bytes.length, open: () => Readable.from([bytes]) };
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<string> {
  return Buffer.from(await new Response(stream).arrayBuffer()).toString();
}

/**
 * What every Store must do, whatever is behind it. Each backend runs this suite
 * against a fresh, empty store from `makeStore`.
 */
export function describeStoreContract(name: string, makeStore: () => Promise<Store>): void {
  describe(`${name}: releases`, () => {
    test('creates, finds, lists (newest first), updates and deletes releases', async () => {
      const store = await makeStore();
      const a = await store.createRelease({ tag: 'app/release/v1.0.0', name: 'A', body: 'a', draft: true });
      await new Promise((r) => setTimeout(r, 5));
      const b = await store.createRelease({ tag: 'app/release/v2.0.0', name: 'B', body: 'b', draft: false });
      expect(a).toMatchObject({ tag: 'app/release/v1.0.0', name: 'A', body: 'a', draft: true, assets: [] });
      expect(await store.findReleaseByTag('app/release/v1.0.0')).toEqual(a);
      expect(await store.findReleaseByTag('app/release/v9.9.9')).toBeNull();
      expect((await store.listReleases()).map((r) => r.id)).toEqual([b.id, a.id]);

      const updated = await store.updateRelease(a, { draft: false, body: 'a2' });
      expect(updated).toMatchObject({ id: a.id, draft: false, body: 'a2', name: 'A' });
      await store.deleteRelease(updated);
      expect(await store.findReleaseByTag('app/release/v1.0.0')).toBeNull();
    });

    test('a tag can have one published release only, even when several are made at once', async () => {
      const store = await makeStore();
      // The local store refuses a second release outright; GitHub allows draft twins and refuses the second publish.
      const drafts = await Promise.allSettled(Array.from({ length: 5 }, () => store.createRelease({ tag: 'x/release/v1.0.0', name: '', body: '', draft: true })));
      const made = drafts.flatMap((d) => (d.status === 'fulfilled' ? [d.value] : []));
      for (const d of drafts) if (d.status === 'rejected') expect(d.reason).toBeInstanceOf(StoreConflictError);
      const published = await Promise.allSettled(made.map((release) => store.updateRelease(release, { draft: false })));
      expect(published.filter((p) => p.status === 'fulfilled')).toHaveLength(1);
      for (const p of published) if (p.status === 'rejected') expect(p.reason).toBeInstanceOf(StoreConflictError);
      await expect(store.createRelease({ tag: 'x/release/v1.0.0', name: '', body: '', draft: false })).rejects.toBeInstanceOf(StoreConflictError);
    });
  });

  describe(`${name}: assets`, () => {
    test('uploads an asset, reports its digest and streams it back whole or in part', async () => {
      const store = await makeStore();
      const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
      const sent: number[] = [];
      const asset = await store.uploadAsset(release, { ...upload('hello world'), onProgress: (n) => sent.push(n) });
      expect(asset).toMatchObject({
        name: 'app.apk',
        label: 'app.apk (label)',
        size: 11,
        state: 'uploaded',
        digest: 'sha256:b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9',
      });
      expect(sent.at(-1)).toBe(11);
      expect((await store.findReleaseByTag('t'))?.assets).toEqual([asset]);
      expect(await readAll(await store.openAsset(asset.id))).toBe('hello world');
      expect(await readAll(await store.openAsset(asset.id, { start: 6, end: 10 }))).toBe('world');
      expect(await readAll(await store.openAsset(asset.id, { start: 0, end: 0 }))).toBe('h');
    });

    test('refuses a second asset of the same name', async () => {
      const store = await makeStore();
      const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
      await store.uploadAsset(release, upload('one'));
      const again = await store.findReleaseByTag('t');
      await expect(store.uploadAsset(again!, upload('two'))).rejects.toBeInstanceOf(StoreConflictError);
    });

    test('an upload whose source fails leaves no asset behind', async () => {
      const store = await makeStore();
      const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
      const failing: AssetUpload = {
        ...upload('x'.repeat(100)),
        open: () =>
          Readable.from(
            (async function* () {
              yield Buffer.from('x'.repeat(50));
              throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
            })(),
          ),
      };
      await expect(store.uploadAsset(release, failing)).rejects.toThrow(/no space left/i);
      expect((await store.findReleaseByTag('t'))?.assets).toEqual([]);
    });

    test('deletes assets, and a deleted asset cannot be opened', async () => {
      const store = await makeStore();
      const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
      const asset = await store.uploadAsset(release, upload('bytes'));
      await store.deleteAsset(release, asset);
      expect((await store.findReleaseByTag('t'))?.assets).toEqual([]);
      await expect(store.openAsset(asset.id)).rejects.toBeInstanceOf(StoreNotFoundError);
      await expect(store.openAsset('../../etc/passwd')).rejects.toBeInstanceOf(StoreNotFoundError);
    });

    test('counts downloads per asset: 0 for a new one, and an id it does not know is left out', async () => {
      const store = await makeStore();
      const release = await store.createRelease({ tag: 't', name: '', body: '', draft: false });
      const asset = await store.uploadAsset(release, upload('bytes'));
      expect(await store.downloadCounts([asset.id, '123456789', 'ffffffffffffffff'])).toEqual(new Map([[asset.id, 0]]));
    });
  });

  describe(`${name}: manifest branch`, () => {
    test('writes with compare-and-swap, and re-reads for free while unchanged', async () => {
      const store = await makeStore();
      expect(await store.readBranchFile('manifest.json')).toBeNull();
      const first = await store.writeBranchFile('manifest.json', Buffer.from('{"v":1}'), { expectedSha: null, message: 'm' });
      // A cache reads with `recheck` and re-checks with the etag it got back.
      const read = await store.readBranchFile('manifest.json', { recheck: true });
      if (read === null || read === 'not-modified') throw new Error('expected the file');
      expect(Buffer.from(read.content).toString()).toBe('{"v":1}');
      expect(read.sha).toBe(first.sha);
      expect(await store.readBranchFile('manifest.json', { etag: read.etag })).toBe('not-modified');

      await expect(store.writeBranchFile('manifest.json', Buffer.from('{"v":2}'), { expectedSha: null, message: 'm' })).rejects.toBeInstanceOf(StoreConflictError);
      await expect(store.writeBranchFile('manifest.json', Buffer.from('{"v":2}'), { expectedSha: 'f'.repeat(40), message: 'm' })).rejects.toBeInstanceOf(StoreConflictError);
      const second = await store.writeBranchFile('manifest.json', Buffer.from('{"v":2}'), { expectedSha: first.sha, message: 'm' });
      expect(second.sha).not.toBe(first.sha);
      expect(await store.readBranchFile('manifest.json', { etag: read.etag })).not.toBe('not-modified');
    });

    test('exactly one of several racing writers wins a swap', async () => {
      const store = await makeStore();
      const base = await store.writeBranchFile('manifest.json', Buffer.from('0'), { expectedSha: null, message: 'm' });
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) => store.writeBranchFile('manifest.json', Buffer.from(String(i + 1)), { expectedSha: base.sha, message: 'm' })),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    test('holds files in folders (icons/<app>/<file>) and deletes with compare-and-swap', async () => {
      const store = await makeStore();
      const { sha } = await store.writeBranchFile('icons/rocket/rocket.png', Buffer.from('png'), { expectedSha: null, message: 'm' });
      await expect(store.deleteBranchFile('icons/rocket/rocket.png', { expectedSha: 'f'.repeat(40), message: 'm' })).rejects.toBeInstanceOf(StoreConflictError);
      await store.deleteBranchFile('icons/rocket/rocket.png', { expectedSha: sha, message: 'm' });
      expect(await store.readBranchFile('icons/rocket/rocket.png')).toBeNull();
    });
  });
}
