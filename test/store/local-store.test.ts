import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { StoreNotFoundError, StoreUnavailableError } from '../../src/store/errors.js';
import { LocalStore } from '../../src/store/local/store.js';
import { manualClock } from '../helpers/clock.js';
import { tempDir } from '../helpers/fixtures.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('local store', async () => LocalStore.openOrCreate(path.join(await tempDir(), 'store')));

describe('local store folder', () => {
  test('is created on first write only, so a refused publish leaves no folder', async () => {
    const root = path.join(await tempDir(), 'new-store');
    const store = await LocalStore.openOrCreate(root);
    expect(await store.listReleases()).toEqual([]);
    expect(await store.readBranchFile('manifest.json')).toBeNull();
    expect(existsSync(root)).toBe(false);
    await store.createRelease({ tag: 't', name: '', body: '', draft: true });
    expect((await readdir(root)).sort()).toEqual(['assets', 'branches', 'releases', 'tmp', 'updateforge-store.json']);
  });

  test('refuses a folder that holds other things', async () => {
    const root = await tempDir();
    await writeFile(path.join(root, 'notes.txt'), 'mine');
    await expect(LocalStore.openOrCreate(root)).rejects.toThrow(/is not empty and is not an UpdateForge store/);
  });

  test("a held lock is waited for on the store's clock: taken once given up, else refused after 20 s", async () => {
    const root = path.join(await tempDir(), 'store');
    const clock = manualClock();
    let waited = 0;
    let giveUpAfterMs = Infinity;
    const lock = path.join(root, 'updateforge-store.json.lock');
    const sleep = async (ms: number) => {
      clock.advance(ms);
      waited += ms;
      if (waited >= giveUpAfterMs) await rm(lock, { recursive: true, force: true });
    };
    const store = await LocalStore.openOrCreate(root, { clock: { now: clock.now, sleep } });
    const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });

    await mkdir(lock);
    giveUpAfterMs = 1000;
    expect((await store.updateRelease(release, { name: 'renamed' })).name).toBe('renamed');
    expect(waited).toBeGreaterThanOrEqual(1000);
    expect(waited).toBeLessThan(1100);

    await mkdir(lock);
    giveUpAfterMs = Infinity;
    waited = 0;
    await expect(store.updateRelease(release, { name: 'again' })).rejects.toThrow(/^The store is locked: /);
    expect(waited).toBeGreaterThanOrEqual(20_000);
    expect(waited).toBeLessThan(20_200);
    expect((await store.findReleaseByTag('t'))?.name).toBe('renamed');
  });

  test('open() needs an existing store', async () => {
    await expect(LocalStore.open(path.join(await tempDir(), 'missing'))).rejects.toBeInstanceOf(StoreUnavailableError);
  });

  test('a symlink placed inside the store is never followed: branch files and assets read as absent (F15)', async () => {
    const root = path.join(await tempDir(), 'store');
    const store = await LocalStore.openOrCreate(root);
    const release = await store.createRelease({ tag: 't', name: '', body: '', draft: true });
    const secret = path.join(await tempDir(), 'jwt-secret');
    await writeFile(secret, 'a secret the store must not serve');
    await mkdir(path.join(root, 'branches', 'updateforge', 'icons', 'rocket'), { recursive: true });
    await symlink(secret, path.join(root, 'branches', 'updateforge', 'icons', 'rocket', 'rocket.png'));
    expect(await store.readBranchFile('icons/rocket/rocket.png')).toBeNull();
    const asset = await store.uploadAsset(release, {
      name: 'a.bin',
      label: 'a.bin',
      contentType: 'application/octet-stream',
      size: 1,
      open: () => Readable.from([Buffer.from('x')]),
    });
    await rm(path.join(root, 'assets', asset.id));
    await symlink(secret, path.join(root, 'assets', asset.id));
    await expect(store.openAsset(asset.id)).rejects.toBeInstanceOf(StoreNotFoundError);
  });

  test('branch paths cannot leave the branch folder', async () => {
    const root = await tempDir();
    const store = await LocalStore.openOrCreate(path.join(root, 's'));
    await mkdir(path.join(root, 's'), { recursive: true });
    for (const bad of ['../updateforge-store.json', '/etc/passwd', 'icons/../../x', 'a//b', 'a\\b']) {
      await expect(store.readBranchFile(bad)).rejects.toBeInstanceOf(StoreNotFoundError);
    }
  });
});
