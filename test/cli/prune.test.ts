import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { LoadedConfig } from '../../src/feed/config.js';
import { formatSize } from '../../src/util/format-size.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { readManifest } from '../helpers/feed.js';
import { snapshotTree, tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { LIVE_CONFIG, webBuild } from '../helpers/live-feed.js';

const github = useFakeGitHub();

/** rocket release: binaries 1.0.0 (100 bytes), 1.1.0 (110) and 1.2.0 (120); rocket debug: 2.0.0 (200) and 2.1.0 (210). */
async function seed(store: Store, config: LoadedConfig): Promise<void> {
  const at = (buildType: string, version: string, size: number) => async () =>
    publish({ store, config, request: { app: 'rocket', buildType, version, path: await writeBuild('x'.repeat(size)) } });
  for (const step of [at('release', '1.0.0', 100), at('release', '1.1.0', 110), at('release', '1.2.0', 120), at('debug', '2.0.0', 200), at('debug', '2.1.0', 210)]) await step();
}

async function localFeed() {
  const dir = path.join(await tempDir(), 'feed');
  const store = await LocalStore.openOrCreate(dir);
  const config = await writeConfig();
  await seed(store, config);
  return { dir, store, config };
}

describe('updateforge prune --store', () => {
  test('--dry-run lists what would go and writes nothing; the real run removes it; a third run has nothing to prune', async () => {
    const { dir, store, config } = await localFeed();
    const args = ['prune', '--store', dir, '--config', config.path, '--keep', '1'];
    const before = await snapshotTree(dir);

    const dry = await runCli([...args, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toBe(
      [
        `would go rocket  release  1.1.0  ${formatSize(110)}`,
        `would go rocket  release  1.0.0  ${formatSize(100)}`,
        `would go rocket  debug  2.0.0  ${formatSize(200)}`,
        `Would remove 3 versions, freeing ${formatSize(410)}; keeping the newest 1 of each app and build type. Nothing was written (--dry-run).`,
        '',
      ].join('\n'),
    );
    expect(await snapshotTree(dir)).toEqual(before);

    const run = await runCli(args);
    expect(run.code, run.stderr).toBe(0);
    const manifest = await readManifest(store);
    expect(manifest?.versions.map((v) => `${v.buildType} ${v.version}`)).toEqual(['release 1.2.0', 'debug 2.1.0']);
    expect(run.stdout).toBe(
      [
        `removed  rocket  release  1.1.0  ${formatSize(110)}`,
        `removed  rocket  release  1.0.0  ${formatSize(100)}`,
        `removed  rocket  debug  2.0.0  ${formatSize(200)}`,
        `Removed 3 versions, ${formatSize(410)} freed; keeping the newest 1 of each app and build type.`,
        `  manifest    ${((await store.readBranchFile('manifest.json')) as { sha: string }).sha}`,
        '',
      ].join('\n'),
    );
    expect(run.stderr).toContain('Deleting rocket release 1.1.0 (1/3)…\n');
    expect((await store.listReleases()).map((r) => r.tag).sort()).toEqual(['rocket/debug/v2.1.0', 'rocket/release/v1.2.0']);

    const after = await snapshotTree(dir);
    const again = await runCli(args);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe('Nothing to prune: keeping the newest 1 of each app and build type.\n');
    expect(await snapshotTree(dir)).toEqual(after);
  });

  test("--json, for one app and build type; testers' current version is kept and says why", async () => {
    const dir = path.join(await tempDir(), 'feed');
    const store = await LocalStore.openOrCreate(dir);
    const config = await writeConfig();
    const at = async (version: string) => (await publish({ store, config, request: { app: 'rocket', buildType: 'release', version, path: await writeBuild(version) } })).version;
    const [v1, v2] = [await at('1.0.0'), await at('1.1.0')];
    // 1.2.0 is registered but not built: it is pending, and 1.1.0 is still testers' current version.
    await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.2.0' } });

    const run = await runCli(['prune', '--store', dir, '--config', config.path, '--keep', '1', '--app', 'rocket', '--build-type', 'release', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const manifestSha = ((await store.readBranchFile('manifest.json')) as { sha: string }).sha;
    expect(JSON.parse(run.stdout)).toEqual({
      dryRun: false,
      removed: [{ id: v1.id, app: 'rocket', buildType: 'release', version: '1.0.0', kind: 'binary', size: 5 }],
      kept: 2,
      protected: [{ id: v2.id, app: 'rocket', buildType: 'release', version: '1.1.0', kind: 'binary', size: 5, reason: 'current' }],
      manifestSha,
      changed: true,
    });
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['1.2.0', '1.1.0']);
  });

  test.each([
    [['--keep', '0'], "error: --keep: '0' is not a number of versions to keep. Give a whole number, 1 or more (e.g. 3): the newest that many of each app and build type stay.\n"],
    [['--keep', 'all'], "error: --keep: 'all' is not a number of versions to keep."],
    [[], "error: required option '--keep <n>' not specified"],
    [['--keep', '2', '--app', 'nope'], "error: --app: Unknown app 'nope'. Apps in updateforge.json: 'rocket', 'anvil', 'gadget'.\n"],
  ])('%j is refused with exit code 2 and nothing written', async (flags, message) => {
    const { dir, config } = await localFeed();
    const before = await snapshotTree(dir);
    const run = await runCli(['prune', '--store', dir, '--config', config.path, ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
    expect(await snapshotTree(dir)).toEqual(before);
  });
});

describe('updateforge prune --github', () => {
  test('deletes old bundles and their assets on GitHub, keeps the ones devices may still get, and leaves the tags', async () => {
    const repo = github.newRepo();
    const config = await writeConfig(LIVE_CONFIG);
    const store = githubStore(github.fake(), repo);
    const bundle = async (version: string, rollout?: number) =>
      publish({ store, config, request: { app: 'rocket', buildType: 'release', version, path: await webBuild(version), ...(rollout === undefined ? {} : { rollout }) } });
    for (const version of ['1.0.0', '1.1.0', '1.2.0']) await bundle(version);
    // Devices outside 1.3.0's 25% still get 1.2.0.
    await bundle('1.3.0', 25);
    const env = { UPDATEFORGE_GITHUB_TOKEN: WRITE_TOKEN, UPDATEFORGE_GITHUB_API_URL: github.fake().url, UPDATEFORGE_GITHUB_PACING_MS: '0', UPDATEFORGE_GITHUB_RETRY_MS: '5' };

    const run = await runCli(['prune', '--github', repo, '--config', config.path, '--keep', '1'], { env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^removed {2}rocket {2}release {2}1\.1\.0 {2}\S+ \S+\nremoved {2}rocket {2}release {2}1\.0\.0 {2}\S+ \S+\nkept {5}rocket {2}release {2}1\.2\.0 {2}devices may still be offered it\n/,
    );
    expect(run.stdout).toContain('Removed 2 versions, ');
    expect(run.stdout + run.stderr).not.toContain(WRITE_TOKEN);
    expect(run.stdout + run.stderr).not.toContain(READ_TOKEN);

    const model = github.fake().repos.get(repo.toLowerCase())!;
    expect([...model.releases.values()].map((r) => r.tagName).sort()).toEqual(['rocket/release/v1.2.0', 'rocket/release/v1.3.0']);
    // Each kept bundle's zip and its file list (delta updates).
    expect(model.assets.size).toBe(4);
    // GitHub keeps a deleted release's tag.
    expect(model.refs.has('refs/tags/rocket/release/v1.0.0')).toBe(true);
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['1.3.0', '1.2.0']);
  });
});
