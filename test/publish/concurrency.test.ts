import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { readAll } from '../store/store-contract.js';
import { runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { assertNoDanglingAssets, readManifest } from '../helpers/feed.js';
import { snapshotTree, tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';

describe('publishes running at once', () => {
  test('ten publishes of different versions, each with its own store handle, all end up in the manifest', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) =>
        publish({
          store: await LocalStore.openOrCreate(root),
          config,
          request: { app: i % 2 ? 'rocket' : 'anvil', buildType: 'debug', version: `1.${i}.0`, path: await writeBuild(`build ${i}`) },
        }),
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(Array(10).fill('published'));
    const manifest = await readManifest(await LocalStore.open(root));
    expect(manifest?.versions.map((v) => v.version).sort()).toEqual(results.map((r) => r.version.version).sort());
  });

  test('separate CLI processes publishing at the same moment all end up in the manifest', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const runs = await Promise.all(
      ['1.0.0', '1.1.0', '2.0.0-rc.1', '2.0.0'].map(async (version) =>
        runCli(['publish', '--store', root, '--config', config.path, '--app', 'rocket', '--build-type', 'release', '--version', version, '--path', await writeBuild(version)]),
      ),
    );
    for (const run of runs) expect(run, run.stderr).toMatchObject({ code: 0 });
    const manifest = await readManifest(await LocalStore.open(root));
    expect(manifest?.versions.map((v) => v.version)).toEqual(['2.0.0', '2.0.0-rc.1', '1.1.0', '1.0.0']);
  });

  test('the same version published twice at once: one publishes, nothing is duplicated', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const build = await writeBuild('same bytes');
    const settled = await Promise.allSettled(
      [1, 2].map(async () =>
        publish({ store: await LocalStore.openOrCreate(root), config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: build }, lease: { pollMs: 100 } }),
      ),
    );
    expect(settled.some((s) => s.status === 'fulfilled')).toBe(true);
    const store = await LocalStore.open(root);
    expect(await store.listReleases()).toHaveLength(1);
    expect((await readManifest(store))?.versions).toHaveLength(1);
    await assertNoDanglingAssets(store);
  });
});

describe('a publish killed mid-way', () => {
  test('leaves the manifest untouched, and a re-run finishes cleanly', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const args = ['publish', '--store', root, '--config', config.path, '--app', 'rocket', '--build-type', 'release'];
    expect((await runCli([...args, '--version', '1.0.0', '--path', await writeBuild('first')])).code).toBe(0);
    const manifestBefore = (await snapshotTree(path.join(root, 'branches')))['updateforge/manifest.json'];

    const big = path.join(await tempDir(), 'big.apk');
    await writeFile(big, Buffer.alloc(256 * 1024 * 1024, 42));
    const child = startCli([...args, '--version', '2.0.0', '--path', big]);
    await waitForOutput(child.stderr, /Uploading/);
    child.kill('SIGKILL');
    await once(child, 'close');

    const store = await LocalStore.open(root);
    expect((await snapshotTree(path.join(root, 'branches')))['updateforge/manifest.json']).toBe(manifestBefore);
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['1.0.0']);
    await assertNoDanglingAssets(store);

    const rerun = await runCli([...args, '--version', '2.0.0', '--path', big]);
    expect(rerun.code, rerun.stderr).toBe(0);
    const manifest = await readManifest(store);
    expect(manifest?.versions.map((v) => v.version)).toEqual(['2.0.0', '1.0.0']);
    const release = await store.findReleaseByTag('rocket/release/v2.0.0');
    expect(release?.assets).toHaveLength(1);
    const file = manifest?.versions[0]?.file;
    const head = await readAll(await store.openAsset(file!.assetId, { start: 0, end: 3 }));
    expect(head).toBe('****');
    await assertNoDanglingAssets(store);
  });
});
