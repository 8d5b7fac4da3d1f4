import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MANIFEST_PATH } from '../../src/feed/manifest.js';
import { PublishUnfinishedError } from '../../src/publish/errors.js';
import { publish, type PublishOptions } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { assertNoDanglingAssets } from '../helpers/feed.js';
import { diskFull, withFaults } from '../helpers/faulty-store.js';
import { snapshotTree, tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';

/** A store that already holds a published version and a pending one, as failures usually meet one. */
async function populated() {
  const root = path.join(await tempDir(), 'store');
  const store = await LocalStore.openOrCreate(root);
  const config = await writeConfig();
  const request = { app: 'rocket', buildType: 'release' as const, version: '1.0.0' };
  await publish({ store, config, request: { ...request, path: await writeBuild('one') } });
  await publish({ store, config, request: { ...request, version: '2.0.0' } });
  return { root, store, config, request };
}

/** Runs a publish that must fail, and checks the store is byte-for-byte what it was. */
async function expectUnchanged(root: string, run: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = await snapshotTree(root);
  await expect(run()).rejects.toThrow(message);
  const after = await snapshotTree(root);
  // tmp/ holds files only while they are written; nothing may be left there either.
  expect(after).toEqual(before);
}

/** Fails an upload half-way through, after part of the bytes reached the real store. */
function failingUpload(inner: Store, ...[release, upload]: Parameters<Store['uploadAsset']>) {
  return inner.uploadAsset(release, {
    ...upload,
    open: () =>
      Readable.from(
        (async function* () {
          yield Buffer.alloc(Math.floor(upload.size / 2), 1);
          throw diskFull();
        })(),
      ),
  });
}

describe('a failed publish leaves the store exactly as it was', () => {
  test.each([
    ['a bad version', { version: '1.0' }, /not a strict semantic version/],
    ['a missing build', { version: '3.0.0', path: '/nope/app.apk' }, /no such file/],
    ['an unknown app', { app: 'ghost' }, /Unknown app/],
  ])('%s', async (_label, change, message) => {
    const { root, store, config, request } = await populated();
    await expectUnchanged(root, () => publish({ store, config, request: { ...request, ...change } }), message);
  });

  test('a config whose icon is missing', async () => {
    const { root, store, request } = await populated();
    const broken = await writeConfig({ teams: [{ id: 'acme', name: 'A' }], apps: [{ id: 'rocket', team: 'acme', title: 'R', packageName: 'com.r', icon: 'gone.png' }] });
    await expectUnchanged(root, () => publish({ store, config: broken, request: { ...request, version: '3.0.0', path: __filename } }), /Icon of app 'rocket'/);
  });

  const faults: [string, PublishOptions['request'], Parameters<typeof withFaults>[1], RegExp][] = [
    ['disk full while uploading a new version', { app: 'rocket', buildType: 'release', version: '3.0.0' }, { uploadAsset: failingUpload }, /no space left/i],
    ['disk full while attaching the file of a pending version', { app: 'rocket', buildType: 'release', version: '2.0.0' }, { uploadAsset: failingUpload }, /no space left/i],
    ['disk full while overwriting a published file', { app: 'rocket', buildType: 'release', version: '1.0.0', overwrite: true }, { uploadAsset: failingUpload }, /no space left/i],
    [
      'the store failing as the release is made visible',
      { app: 'rocket', buildType: 'release', version: '3.0.0' },
      { updateRelease: (inner, release, patch) => (patch.draft === false ? Promise.reject(new Error('EIO: i/o error')) : inner.updateRelease(release, patch)) },
      /i\/o error/,
    ],
  ];

  test.each(faults)('%s', async (_label, request, overrides, message) => {
    const { root, store, config } = await populated();
    const faulty = withFaults(store, overrides);
    const build = await writeBuild(`new bytes for ${request.version}`);
    await expectUnchanged(root, () => publish({ store: faulty, config, request: { ...request, path: build } }), message);
    await assertNoDanglingAssets(store);
    // And the same publish goes through once the fault is gone.
    const retried = await publish({ store, config, request: { ...request, path: build } });
    expect(retried.version.file?.size).toBe(`new bytes for ${request.version}`.length);
  });

  test('past the point of no return (the release published), a failing manifest write is finished by a re-run, never undone', async () => {
    const { store, config, request } = await populated();
    const manifestBefore = await store.readBranchFile(MANIFEST_PATH);
    const faulty = withFaults(store, {
      writeBranchFile: (inner, file, content, options) => (file === MANIFEST_PATH ? Promise.reject(diskFull()) : inner.writeBranchFile(file, content, options)),
    });
    const build = await writeBuild('new bytes for 3.0.0');
    const failed = publish({ store: faulty, config, request: { ...request, version: '3.0.0', path: build } });
    await expect(failed).rejects.toBeInstanceOf(PublishUnfinishedError);
    await expect(failed).rejects.toThrow(/rocket\/release\/v3\.0\.0 is published, but the feed does not list it yet: .*no space left.*\nRun the same publish again to finish it/is);
    // The feed testers and devices see is as it was; the release stays, as an immutable repository would need.
    expect(await store.readBranchFile(MANIFEST_PATH)).toEqual(manifestBefore);
    const kept = await store.findReleaseByTag('rocket/release/v3.0.0');
    expect(kept).toMatchObject({ draft: false });
    expect(kept?.assets.map((a) => a.state)).toEqual(['uploaded']);

    const finished = await publish({ store, config, request: { ...request, version: '3.0.0', path: build } });
    expect(finished).toMatchObject({ outcome: 'unchanged', manifestChanged: true, version: { id: kept?.id, file: { size: 'new bytes for 3.0.0'.length } } });
    await assertNoDanglingAssets(store);
  });

  test('a manifest a newer UpdateForge wrote is never written over by this one', async () => {
    const { store, config, request } = await populated();
    const current = await store.readBranchFile(MANIFEST_PATH);
    const newer = await readFile(new URL('../fixtures/formats/manifest/v2-newer.json', import.meta.url));
    await store.writeBranchFile(MANIFEST_PATH, newer, { expectedSha: (current as { sha: string }).sha, message: 'a newer action' });
    await expect(publish({ store, config, request: { ...request, version: '3.0.0', path: await writeBuild('three') } })).rejects.toThrow(
      /"schemaVersion": 2: it was written by a newer UpdateForge.*Upgrade UpdateForge/s,
    );
    expect(Buffer.from(((await store.readBranchFile(MANIFEST_PATH)) as { content: Uint8Array }).content)).toEqual(newer);
  });

  test('icons written before a failure are taken back too', async () => {
    const { root, store, request } = await populated();
    const otherIcon = await writeConfig({
      teams: [{ id: 'acme', name: 'A' }],
      apps: [
        { id: 'rocket', team: 'acme', title: 'R', packageName: 'com.acme.rocket', icon: 'icons/rocket.png' },
        { id: 'anvil', team: 'acme', title: 'A', packageName: 'com.a', icon: 'icons/rocket.png' },
      ],
    });
    const faulty = withFaults(store, {
      writeBranchFile: (inner, file, content, options) => (file === MANIFEST_PATH ? Promise.reject(diskFull()) : inner.writeBranchFile(file, content, options)),
    });
    await expectUnchanged(root, () => publish({ store: faulty, config: otherIcon, request: { ...request, version: '3.0.0' } }), /no space left/);
  });
});
