import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { editMetadata, setRollout } from '../../src/publish/edit-version.js';
import { AppsLeftOutError } from '../../src/publish/errors.js';
import { publish } from '../../src/publish/publish.js';
import { repairManifest } from '../../src/publish/repair.js';
import { LocalStore } from '../../src/store/local/store.js';
import { readManifest } from '../helpers/feed.js';
import { CONFIG, snapshotTree, tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { webBuild } from '../helpers/live-feed.js';

/** The fixtures' config with rocket's id mistyped: what a rename, a typo or another branch's config looks like. */
const MISTYPED = { ...CONFIG, apps: CONFIG.apps.map((a) => (a.id === 'rocket' ? { ...a, id: 'rockett' } : a)) };

async function feedWithRocket() {
  const dir = path.join(await tempDir(), 'store');
  const store = await LocalStore.openOrCreate(dir);
  const config = await writeConfig();
  await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild('apk') } });
  await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.1', path: await webBuild('live') } });
  return { dir, store, config };
}

describe('a config that no longer declares an app of the feed', () => {
  test('a publish is refused before anything is written, naming the app, its likely new id, and the two ways out', async () => {
    const { dir, store } = await feedWithRocket();
    const before = await snapshotTree(dir);
    const mistyped = await writeConfig(MISTYPED);
    const error = await publish({ store, config: mistyped, request: { app: 'rockett', buildType: 'release', version: '2.0.0', path: await writeBuild('other apk') } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppsLeftOutError);
    expect((error as AppsLeftOutError).field).toBe('config');
    expect((error as Error).message).toBe(
      "updateforge.json no longer declares app 'rocket' (2 versions) of this feed: writing the feed from it would take that app away from testers and devices at once. " +
        "If an id was renamed or mistyped ('rocket' → 'rockett'?), put it back in updateforge.json. " +
        'To retire an app for good, run `updateforge repair` with this updateforge.json: it rebuilds the feed without it, and leaves its releases on the store.',
    );
    expect(await snapshotTree(dir)).toEqual(before);
  });

  test('so are edits of another app, whose manifest write would drop it too', async () => {
    const { dir, store } = await feedWithRocket();
    const mistyped = await writeConfig(MISTYPED);
    await expect(editMetadata({ store, config: mistyped, app: 'anvil', buildType: 'release', version: '1.0.0', change: { name: 'x' } })).rejects.toBeInstanceOf(AppsLeftOutError);
    const before = await snapshotTree(dir);
    await expect(setRollout({ store, config: mistyped, app: 'rockett', buildType: 'release', version: '1.0.1', percent: 50 })).rejects.toBeInstanceOf(AppsLeftOutError);
    expect(await snapshotTree(dir)).toEqual(before);
  });

  test('repair is the deliberate way to retire the app: the feed is rebuilt without it, its releases stay, and publishing works again', async () => {
    const { store } = await feedWithRocket();
    const retired = await writeConfig({ ...CONFIG, apps: CONFIG.apps.filter((a) => a.id !== 'rocket') });
    await repairManifest({ store, config: retired.config });
    expect((await readManifest(store))?.versions.filter((v) => v.app === 'rocket')).toEqual([]);
    expect((await store.listReleases()).filter((r) => r.tag.startsWith('rocket/'))).toHaveLength(2);
    const { version } = await publish({ store, config: retired, request: { app: 'anvil', buildType: 'release', version: '1.0.0', path: await writeBuild('anvil') } });
    expect((await readManifest(store))?.versions.map((v) => v.id)).toEqual([version.id]);
  });
});
