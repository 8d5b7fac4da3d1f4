import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { indexManifest } from '../../src/feed/feed-snapshot.js';
import { MANIFEST_PATH, parseManifest, type Manifest } from '../../src/feed/manifest.js';
import { parseReleaseBody, releaseTag, renderReleaseBody } from '../../src/feed/release-body.js';
import type { VersionRecord } from '../../src/feed/version-record.js';
import type { BuildType } from '../../src/feed/version.js';
import { PruneUnfinishedError, PublishInputError } from '../../src/publish/errors.js';
import { parseKeep, planPrune, prune, type PruneScope } from '../../src/publish/prune.js';
import { publish } from '../../src/publish/publish.js';
import { StoreNotFoundError } from '../../src/store/errors.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { assertNoDanglingAssets, readManifest } from '../helpers/feed.js';
import { diskFull, withFaults } from '../helpers/faulty-store.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';

/** The format fixture's teams, apps (rocket, gadget, vault) and channels; the versions are each test's own. */
const BASE = parseManifest(readFileSync(new URL('../fixtures/formats/manifest/v1.json', import.meta.url)));

interface Shape {
  readonly app?: string;
  readonly buildType?: BuildType;
  /** null: a pending version (no file). */
  readonly kind?: 'binary' | 'bundle' | null;
  readonly rollout?: number;
  readonly yanked?: boolean;
}

function record(version: string, shape: Shape = {}): VersionRecord {
  const app = shape.app ?? 'rocket';
  const buildType = shape.buildType ?? 'release';
  const kind = shape.kind === undefined ? 'binary' : shape.kind;
  return {
    id: `${app}-${buildType}-${version}`,
    app,
    buildType,
    version,
    name: '',
    public: false,
    created: '2026-03-01T00:00:00.000Z',
    notes: '',
    file: kind === null ? null : { assetId: `asset-${version}`, name: `f-${version}`, size: 1000, sha256: 'a'.repeat(64), contentType: 'application/octet-stream', kind },
    ...(shape.rollout === undefined ? {} : { rollout: shape.rollout }),
    ...(shape.yanked ? { yanked: true } : {}),
  };
}

const plan = (versions: VersionRecord[], scope: PruneScope) => planPrune(indexManifest({ ...BASE, versions } satisfies Manifest), scope);
const names = (list: readonly { app: string; buildType: string; version: string }[]) => list.map((v) => `${v.app} ${v.buildType} ${v.version}`);

describe('planPrune', () => {
  test('removes what is past the newest N of each app and build type, by semver precedence; yanked versions count like any other', () => {
    const versions = [
      record('1.9.0'),
      record('1.10.0'),
      record('1.2.0'),
      record('1.10.0-rc.1', { yanked: true }),
      record('1.11.0', { yanked: true }),
      record('2.0.0', { buildType: 'debug' }),
      record('1.0.0', { buildType: 'debug' }),
      record('3.0.0', { app: 'gadget' }),
    ];
    const result = plan(versions, { keep: 2 });
    // rocket release, newest first: 1.11.0 (yanked), 1.10.0, then 1.10.0-rc.1, 1.9.0, 1.2.0 go.
    expect(names(result.remove)).toEqual(['rocket release 1.10.0-rc.1', 'rocket release 1.9.0', 'rocket release 1.2.0']);
    expect(result.remove[0]).toEqual({ id: 'rocket-release-1.10.0-rc.1', app: 'rocket', buildType: 'release', version: '1.10.0-rc.1', kind: 'binary', size: 1000 });
    expect(result.protected).toEqual([]);
    expect(result.kept).toBe(5);

    expect(names(plan(versions, { keep: 1, app: 'rocket', buildType: 'debug' }).remove)).toEqual(['rocket debug 1.0.0']);
    expect(plan(versions, { keep: 1, app: 'gadget' })).toEqual({ remove: [], protected: [], kept: 1 });
    expect(plan(versions, { keep: 5 }).remove).toEqual([]);
  });

  test("never testers' current or pending version, whatever their age", () => {
    // Current is 1.0.0 (the newer binaries are yanked); pending is 0.5.0, the highest version without a file.
    const versions = [record('1.0.0'), record('1.1.0', { yanked: true }), record('1.2.0', { yanked: true }), record('0.5.0', { kind: null }), record('0.4.0', { kind: null })];
    const result = plan(versions, { keep: 1 });
    expect(names(result.remove)).toEqual(['rocket release 1.1.0', 'rocket release 0.4.0']);
    expect(result.remove[1]).toMatchObject({ kind: null, size: null });
    expect(result.protected.map((v) => [v.version, v.reason])).toEqual([
      ['1.0.0', 'current'],
      ['0.5.0', 'pending'],
    ]);
    expect(result.kept).toBe(3);
  });

  test('never a bundle devices may still be offered: the newest at 100% and every live bundle above it', () => {
    const versions = [
      record('1.0.0', { kind: 'bundle' }),
      record('1.1.0', { kind: 'bundle', rollout: 100 }),
      record('1.2.0', { kind: 'bundle' }),
      record('1.2.5', { kind: 'bundle', yanked: true }),
      record('1.3.0', { kind: 'bundle', rollout: 40 }),
      record('1.4.0', { kind: 'bundle', rollout: 10 }),
    ];
    const result = plan(versions, { keep: 1 });
    // Devices outside 1.4.0's 10% get 1.3.0; outside its 40% too, 1.2.0. Nobody gets 1.1.0, 1.0.0 or the yanked 1.2.5.
    expect(names(result.remove)).toEqual(['rocket release 1.2.5', 'rocket release 1.1.0', 'rocket release 1.0.0']);
    expect(result.protected.map((v) => [v.version, v.reason])).toEqual([
      ['1.3.0', 'offered'],
      ['1.2.0', 'offered'],
    ]);
    // Without any bundle at 100%, all of them may still reach a device.
    const partial = [record('1.0.0', { kind: 'bundle', rollout: 50 }), record('1.1.0', { kind: 'bundle', rollout: 50 }), record('1.2.0', { kind: 'bundle', rollout: 50 })];
    expect(plan(partial, { keep: 1 }).remove).toEqual([]);
  });

  test('spares the versions it is told to (what a publish just made)', () => {
    const versions = [record('1.0.0'), record('2.0.0'), record('3.0.0')];
    const result = plan(versions, { keep: 1, spare: ['rocket-release-1.0.0'] });
    expect(names(result.remove)).toEqual(['rocket release 2.0.0']);
    expect(result.protected.map((v) => [v.version, v.reason])).toEqual([['1.0.0', 'published']]);
  });

  test('--keep must be a whole number, 1 or more', () => {
    expect(parseKeep('3')).toBe(3);
    expect(parseKeep(' 12 ')).toBe(12);
    for (const bad of ['0', '-1', '2.5', 'three', '']) {
      expect(() => parseKeep(bad)).toThrow(PublishInputError);
      expect(() => parseKeep(bad)).toThrow(`'${bad}' is not a number of versions to keep. Give a whole number, 1 or more (e.g. 3)`);
    }
    try {
      parseKeep('0');
      expect.unreachable();
    } catch (error) {
      expect((error as PublishInputError).field).toBe('keep');
    }
  });
});

/** A store whose every write is counted; reads pass through. */
function counting(inner: Store): { store: Store; writes: string[] } {
  const writes: string[] = [];
  const count =
    <A extends unknown[], R>(name: string, call: (target: Store, ...args: A) => R) =>
    (target: Store, ...args: A): R => {
      writes.push(name);
      return call(target, ...args);
    };
  const store = withFaults(inner, {
    createRelease: count('createRelease', (t, r) => t.createRelease(r)),
    updateRelease: count('updateRelease', (t, r, p) => t.updateRelease(r, p)),
    deleteRelease: count('deleteRelease', (t, r) => t.deleteRelease(r)),
    uploadAsset: count('uploadAsset', (t, r, u) => t.uploadAsset(r, u)),
    deleteAsset: count('deleteAsset', (t, r, a) => t.deleteAsset(r, a)),
    writeBranchFile: count('writeBranchFile', (t, f, c, o) => t.writeBranchFile(f, c, o)),
    deleteBranchFile: count('deleteBranchFile', (t, f, o) => t.deleteBranchFile(f, o)),
  });
  return { store, writes };
}

/** A local feed with rocket release binaries 1.0.0 to 1.4.0 (1.0.0 is 10 bytes, each next one 10 more). */
async function fiveReleases() {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const config = await writeConfig();
  const versions = new Map<string, VersionRecord>();
  for (const [i, version] of ['1.0.0', '1.1.0', '1.2.0', '1.3.0', '1.4.0'].entries()) {
    const result = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version, path: await writeBuild('x'.repeat(10 * (i + 1))) } });
    versions.set(version, result.version);
  }
  return { store, config: config.config, versions };
}

const manifestVersions = async (store: Store) => (await readManifest(store))?.versions.map((v) => v.version);
const releaseOf = (store: Store, version: string) => store.findReleaseByTag(releaseTag('rocket', 'release', version));

describe('prune on a local store', () => {
  test('deletes the releases and their files, then takes them out of the manifest; a second run has nothing to do and writes nothing', async () => {
    const { store: inner, config, versions } = await fiveReleases();
    const { store, writes } = counting(inner);
    const result = await prune({ store, config, keep: 2 });

    expect(names(result.remove)).toEqual(['rocket release 1.2.0', 'rocket release 1.1.0', 'rocket release 1.0.0']);
    expect(result.remove.map((v) => v.size)).toEqual([30, 20, 10]);
    expect(result).toMatchObject({ dryRun: false, changed: true, kept: 2, protected: [] });
    expect(writes).toEqual(['deleteRelease', 'deleteRelease', 'deleteRelease', 'writeBranchFile']);
    expect(await manifestVersions(inner)).toEqual(['1.4.0', '1.3.0']);
    expect(result.manifestSha).toBe(((await inner.readBranchFile(MANIFEST_PATH)) as { sha: string }).sha);
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
      expect(await releaseOf(inner, version)).toBeNull();
      await expect(inner.openAsset(versions.get(version)!.file!.assetId)).rejects.toThrow(StoreNotFoundError);
    }
    await assertNoDanglingAssets(inner);

    const again = await prune({ store, config, keep: 2 });
    expect(again).toMatchObject({ remove: [], changed: false, kept: 2, manifestSha: result.manifestSha });
    expect(writes).toHaveLength(4);
  });

  test('--dry-run plans the same and writes nothing', async () => {
    const { store: inner, config } = await fiveReleases();
    const { store, writes } = counting(inner);
    const before = await readManifest(inner);
    const dry = await prune({ store, config, keep: 3, dryRun: true });
    expect(names(dry.remove)).toEqual(['rocket release 1.1.0', 'rocket release 1.0.0']);
    expect(dry).toMatchObject({ dryRun: true, changed: false, kept: 3 });
    expect(writes).toEqual([]);
    expect(await readManifest(inner)).toEqual(before);
    expect(await releaseOf(inner, '1.0.0')).not.toBeNull();
  });

  test('stopped part-way by a failing delete: what went is out of the manifest, and running it again finishes it', async () => {
    const { store: inner, config } = await fiveReleases();
    let deletes = 0;
    const failing = withFaults(inner, {
      deleteRelease: (target, release) => (++deletes === 2 ? Promise.reject(diskFull()) : target.deleteRelease(release)),
    });
    const error = await prune({ store: failing, config, keep: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PruneUnfinishedError);
    expect((error as Error).message).toMatch(/^Deleted 1 of 3 releases, then: ENOSPC: no space left on device, write\. Run the same prune again to finish it\.$/);
    expect(await manifestVersions(inner)).toEqual(['1.4.0', '1.3.0', '1.1.0', '1.0.0']);
    await assertNoDanglingAssets(inner);

    const rerun = await prune({ store: inner, config, keep: 2 });
    expect(names(rerun.remove)).toEqual(['rocket release 1.1.0', 'rocket release 1.0.0']);
    expect(await manifestVersions(inner)).toEqual(['1.4.0', '1.3.0']);
    expect(await inner.listReleases()).toHaveLength(2);
  });

  test('stopped after the deletes, before the manifest: the re-run drops the versions whose release is gone', async () => {
    const { store: inner, config } = await fiveReleases();
    const failing = withFaults(inner, {
      writeBranchFile: (target, file, content, options) => (file === MANIFEST_PATH ? Promise.reject(diskFull()) : target.writeBranchFile(file, content, options)),
    });
    const error = await prune({ store: failing, config, keep: 3 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PruneUnfinishedError);
    expect((error as Error).message).toMatch(
      /^The releases of 2 versions are gone, but the manifest could not be updated: ENOSPC: no space left on device, write\. Run the same prune again to finish it\.$/,
    );
    expect(await manifestVersions(inner)).toEqual(['1.4.0', '1.3.0', '1.2.0', '1.1.0', '1.0.0']);
    expect(await releaseOf(inner, '1.0.0')).toBeNull();

    const { store, writes } = counting(inner);
    const rerun = await prune({ store, config, keep: 3 });
    expect(names(rerun.remove)).toEqual(['rocket release 1.1.0', 'rocket release 1.0.0']);
    // Both releases are gone already: nothing to delete, one manifest write.
    expect(writes).toEqual(['writeBranchFile']);
    expect(await manifestVersions(inner)).toEqual(['1.4.0', '1.3.0', '1.2.0']);
  });

  test('a publish that writes the manifest meanwhile loses nothing: the prune re-reads it and removes its versions again', async () => {
    const { store: inner, config } = await fiveReleases();
    const loaded = await writeConfig();
    let raced = false;
    const racing = withFaults(inner, {
      writeBranchFile: async (target, file, content, options) => {
        if (file === MANIFEST_PATH && !raced) {
          raced = true;
          await publish({ store: inner, config: loaded, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: await writeBuild('two') } });
        }
        return target.writeBranchFile(file, content, options);
      },
    });
    const result = await prune({ store: racing, config, keep: 3 });
    expect(raced).toBe(true);
    expect(names(result.remove)).toEqual(['rocket release 1.1.0', 'rocket release 1.0.0']);
    expect(await manifestVersions(inner)).toEqual(['2.0.0', '1.4.0', '1.3.0', '1.2.0']);
    await assertNoDanglingAssets(inner);
  });

  test('leaves a release a publish is uploading into, and says why', async () => {
    const { store, config } = await fiveReleases();
    const loaded = await writeConfig();
    // Two pending versions: 0.9.0 is the pending one testers see; 0.8.0 is past the newest N, but a publish is attaching its file.
    for (const version of ['0.8.0', '0.9.0']) await publish({ store, config: loaded, request: { app: 'rocket', buildType: 'release', version } });
    const draft = (await releaseOf(store, '0.8.0'))!;
    const { notes, metadata } = parseReleaseBody(draft.body)!;
    await store.updateRelease(draft, { body: renderReleaseBody(notes, { ...metadata, state: 'uploading' }) });

    const result = await prune({ store, config, keep: 4 });
    expect(names(result.remove)).toEqual(['rocket release 1.0.0']);
    expect(result.protected.map((v) => [v.version, v.reason])).toEqual([
      ['0.9.0', 'pending'],
      ['0.8.0', 'uploading'],
    ]);
    expect(await releaseOf(store, '0.8.0')).not.toBeNull();
    expect(await manifestVersions(store)).toEqual(['1.4.0', '1.3.0', '1.2.0', '1.1.0', '0.9.0', '0.8.0']);
  });

  test('refuses an unknown app or build type, and a keep below 1, before touching the store', async () => {
    const { store: inner, config } = await fiveReleases();
    const { store, writes } = counting(inner);
    await expect(prune({ store, config, keep: 2, app: 'nope' })).rejects.toThrow("Unknown app 'nope'. Apps in updateforge.json: 'rocket', 'anvil', 'gadget'.");
    await expect(prune({ store, config, keep: 2, buildType: 'beta' })).rejects.toThrow("Invalid build type 'beta'. Expected one of: release, debug, profile.");
    await expect(prune({ store, config, keep: 0 })).rejects.toMatchObject({ field: 'keep' });
    expect(writes).toEqual([]);
  });
});
