import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import type { LoadedConfig } from '../../src/feed/config.js';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { setRollout, yankVersion } from '../../src/publish/edit-version.js';
import { formatSize } from '../../src/util/format-size.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { readManifest } from '../helpers/feed.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';

const github = useFakeGitHub();

/**
 * The feed every test looks at (the fixtures' config: rocket and anvil in acme, gadget in globex):
 * rocket release has a bundle at 100% (live), a newer one at 40%, a yanked one and a pending version;
 * anvil debug has a binary; gadget has nothing.
 */
async function seed(store: Store, config: LoadedConfig): Promise<Map<string, VersionRecord>> {
  const at = (app: string, buildType: string, version: string, more: object = {}) => publish({ store, config, request: { app, buildType, version, ...more } });
  await at('rocket', 'release', '1.0.0', { path: await webBuild('one'), name: 'Spring' });
  await at('rocket', 'release', '1.0.5', { path: await webBuild('oops') });
  await yankVersion({ store, config, app: 'rocket', buildType: 'release', version: '1.0.5' });
  await at('rocket', 'release', '1.1.0', { path: await webBuild('two'), rollout: 10 });
  await setRollout({ store, config, app: 'rocket', buildType: 'release', version: '1.1.0', percent: 40 });
  await at('rocket', 'release', '1.2.0', { name: 'Next sprint' });
  await at('anvil', 'debug', '2.0.0', { path: await writeBuild('binary bytes', 'anvil.apk'), name: 'Anvil "beta"', public: true });
  const manifest = await readManifest(store);
  return new Map((manifest?.versions ?? []).map((v) => [`${v.app} ${v.buildType} ${v.version}`, v]));
}

/** A version as status shows it: the date and size come from the record; nothing was downloaded yet. */
const line = (v: VersionRecord | undefined, name: string | null) =>
  [v!.version, name, v!.created.slice(0, 10), v!.file ? formatSize(v!.file.size) : null, v!.file?.kind, v!.file ? '0 downloads' : null].filter(Boolean).join('  ');

const asJson = (v: VersionRecord | undefined) => ({
  id: v!.id,
  version: v!.version,
  name: v!.name,
  created: v!.created,
  public: v!.public,
  kind: v!.file?.kind ?? null,
  size: v!.file?.size ?? null,
  rollout: v!.rollout ?? 100,
  downloads: v!.file ? 0 : null,
});

const nothing = { current: null, pending: null, live: null, rollouts: [], yanked: [] };

function expectedText(location: string, v: Map<string, VersionRecord>): string {
  return [
    `Feed ${location}: 5 versions`,
    '',
    'Acme (acme)',
    '  rocket  Rocket',
    `    release  pending  ${line(v.get('rocket release 1.2.0'), '"Next sprint"')}`,
    `    release  live     ${line(v.get('rocket release 1.0.0'), '"Spring"')}`,
    '    release  rollout in progress: 1.1.0 at 40%',
    `    release  yanked   ${line(v.get('rocket release 1.0.5'), null)}`,
    '  anvil  Anvil',
    `    debug    current  ${line(v.get('anvil debug 2.0.0'), '"Anvil \\"beta\\""')}`,
    '',
    'Globex (globex)',
    '  gadget  Gadget',
    '    nothing published yet',
    '',
  ].join('\n');
}

function expectedJson(location: string, generatedAt: string, v: Map<string, VersionRecord>) {
  return {
    location,
    generatedAt,
    versions: 5,
    teams: [
      {
        id: 'acme',
        name: 'Acme',
        apps: [
          {
            id: 'rocket',
            title: 'Rocket',
            buildTypes: {
              release: {
                current: null, // bundles only: devices get them, testers have no build to install
                pending: asJson(v.get('rocket release 1.2.0')),
                live: asJson(v.get('rocket release 1.0.0')),
                rollouts: [asJson(v.get('rocket release 1.1.0'))],
                yanked: [asJson(v.get('rocket release 1.0.5'))],
              },
              debug: nothing,
              profile: nothing,
            },
          },
          { id: 'anvil', title: 'Anvil', buildTypes: { release: nothing, debug: { ...nothing, current: asJson(v.get('anvil debug 2.0.0')) }, profile: nothing } },
        ],
      },
      { id: 'globex', name: 'Globex', apps: [{ id: 'gadget', title: 'Gadget', buildTypes: { release: nothing, debug: nothing, profile: nothing } }] },
    ],
  };
}

describe('updateforge status --store', () => {
  test('shows current, pending, rollouts in progress and yanked versions, as text and as JSON, and writes nothing', async () => {
    const dir = path.join(await tempDir(), 'store');
    const store = await LocalStore.openOrCreate(dir);
    const config = await writeConfig();
    const versions = await seed(store, config);
    const before = await store.readBranchFile('manifest.json');

    const text = await runCli(['status', '--store', dir, '--config', config.path]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(expectedText(dir, versions));
    expect(text.stderr).toBe('');

    const json = await runCli(['status', '--store', dir, '--config', config.path, '--json']);
    expect(json.code, json.stderr).toBe(0);
    const generatedAt = (await readManifest(store))!.generatedAt;
    expect(JSON.parse(json.stdout)).toEqual(expectedJson(dir, generatedAt, versions));
    expect(await store.readBranchFile('manifest.json')).toEqual(before);

    // Without --config and no updateforge.json here: the manifest's own copy of teams and apps.
    const bare = await runCli(['status', '--store', dir], { cwd: await tempDir() });
    expect(bare.code, bare.stderr).toBe(0);
    expect(bare.stdout).toBe(text.stdout);
  });

  test('an empty store says so', async () => {
    const dir = await tempDir();
    // A store nothing was published to yet: the marker file only.
    await writeFile(path.join(dir, 'updateforge-store.json'), '{"kind":"updateforge-local-store","version":1}\n');
    const config = await writeConfig();
    const run = await runCli(['status', '--store', dir, '--config', config.path]);
    expect(run).toEqual({ code: 0, stdout: `The feed at ${dir} has no versions yet: publish one with \`updateforge publish\`.\n`, stderr: '' });

    const json = await runCli(['status', '--store', dir, '--config', config.path, '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({ location: dir, generatedAt: null, versions: 0, teams: [{ id: 'acme' }, { id: 'globex' }] });
  });

  test('a folder that is no store is an error, exit 1; a missing --config file is exit 2', async () => {
    const dir = await tempDir();
    const none = await runCli(['status', '--store', path.join(dir, 'nothing')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^error: No UpdateForge store at /);

    const config = await runCli(['status', '--store', dir, '--config', path.join(dir, 'missing.json')]);
    expect(config.code).toBe(2);
    expect(config.stderr).toMatch(/^error: Cannot read config /);
  });
});

describe('updateforge status --github', () => {
  const githubEnv = (): NodeJS.ProcessEnv => ({
    UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
    UPDATEFORGE_GITHUB_API_URL: github.fake().url,
    UPDATEFORGE_GITHUB_PACING_MS: '0',
    UPDATEFORGE_GITHUB_RETRY_MS: '5',
  });

  test('reads the same status from a feed on GitHub with a read-only token, without a single write', async () => {
    const repo = github.newRepo();
    const store = githubStore(github.fake(), repo);
    const config = await writeConfig();
    const versions = await seed(store, config);
    const fakeRepo = github.fake().repos.get(repo.toLowerCase())!;
    const branchHead = fakeRepo.refs.get('refs/heads/updateforge');
    const since = github.fake().requests.length;

    const text = await runCli(['status', '--github', repo, '--config', config.path], { env: githubEnv() });
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toBe(expectedText(repo, versions));
    const json = await runCli(['status', '--github', repo, '--config', config.path, '--json'], { env: githubEnv() });
    expect(JSON.parse(json.stdout)).toEqual(expectedJson(repo, (await readManifest(store))!.generatedAt, versions));

    const requests = github.fake().requests.slice(since);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD')).toEqual([]);
    expect(fakeRepo.refs.get('refs/heads/updateforge')).toBe(branchHead);
  });

  test('a repository with no feed yet says so', async () => {
    const repo = github.newRepo();
    const config = await writeConfig();
    const run = await runCli(['status', '--github', repo, '--config', config.path], { env: githubEnv() });
    expect(run).toEqual({ code: 0, stdout: `The feed at ${repo} has no versions yet: publish one with \`updateforge publish\`.\n`, stderr: '' });
  });
});
