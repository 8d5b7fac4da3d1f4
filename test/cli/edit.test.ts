import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { MANIFEST_PATH } from '../../src/feed/manifest.js';
import { parseReleaseBody } from '../../src/feed/release-body.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { readManifest } from '../helpers/feed.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';

const github = useFakeGitHub();

/** A feed with rocket release 1.0.0 (a binary), 1.1.0 (a bundle) and 1.2.0 (pending). */
async function localFeed() {
  const dir = path.join(await tempDir(), 'store');
  const store = await LocalStore.openOrCreate(dir);
  const config = await writeConfig();
  await seed(store, config);
  return { dir, store, target: ['--store', dir, '--config', config.path, '--app', 'rocket'] };
}

async function seed(store: Store, config: Awaited<ReturnType<typeof writeConfig>>) {
  const release = (version: string, more: object) => publish({ store, config, request: { app: 'rocket', buildType: 'release', version, ...more } });
  await release('1.0.0', { path: await writeBuild('binary bytes'), name: 'First', notes: 'Old notes.' });
  await release('1.1.0', { path: await webBuild('bundle'), public: true });
  await release('1.2.0', { name: 'Next' });
}

const record = async (store: Store, version: string) => (await readManifest(store))?.versions.find((v) => v.version === version);

describe('updateforge edit', () => {
  test("changes a binary's name, notes and public flag in the manifest and its release; the same edit again writes nothing", async () => {
    const { store, target } = await localFeed();
    const notesFile = path.join(await tempDir(), 'notes.md');
    await writeFile(notesFile, 'New notes.\n');

    const edited = await runCli(['edit', ...target, '--version', '1.0.0', '--name', 'Renamed', '--notes-file', notesFile, '--public']);
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/^Edited the name, notes and public flag of rocket release 1\.0\.0\n {2}name {8}Renamed\n {2}public {6}yes\n {2}manifest {4}[0-9a-f]{40}\n$/);
    expect(await record(store, '1.0.0')).toMatchObject({ name: 'Renamed', notes: 'New notes.', public: true, file: { kind: 'binary' } });
    const release = await store.findReleaseByTag('rocket/release/v1.0.0');
    expect(release?.name).toBe('rocket 1.0.0 (release): Renamed');
    expect(parseReleaseBody(release!.body)).toMatchObject({ notes: 'New notes.', metadata: { name: 'Renamed', public: true, state: 'published' } });

    const manifestBefore = await store.readBranchFile(MANIFEST_PATH);
    const again = await runCli(['edit', ...target, '--version', '1.0.0', '--name', 'Renamed', '--notes', 'New notes.', '--public']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/^Unchanged: rocket release 1\.0\.0 already had the name, notes and public flag given\n/);
    expect(await store.readBranchFile(MANIFEST_PATH)).toEqual(manifestBefore);

    // Asked for all three, with only the notes new: it says what changed, not what was asked.
    const notesOnly = await runCli(['edit', ...target, '--version', '1.0.0', '--name', 'Renamed', '--notes', 'Newer notes.', '--public']);
    expect(notesOnly.stdout).toMatch(/^Edited the notes of rocket release 1\.0\.0\n/);
  });

  test('edits a bundle and a pending version too; --json prints the result', async () => {
    const { store, target } = await localFeed();
    const bundle = await runCli(['edit', ...target, '--version', '1.1.0', '--no-public', '--json']);
    expect(bundle.code, bundle.stderr).toBe(0);
    const result = JSON.parse(bundle.stdout) as Record<string, unknown>;
    expect(result).toMatchObject({ changed: true, fields: ['public'], version: { version: '1.1.0', public: false, file: { kind: 'bundle' } } });
    expect(result['manifestSha']).toMatch(/^[0-9a-f]{40}$/);

    const pending = await runCli(['edit', ...target, '--version', '1.2.0', '--name', 'Summer', '--notes', '']);
    expect(pending.code, pending.stderr).toBe(0);
    expect(pending.stdout).toMatch(/^Edited the name of rocket release 1\.2\.0\n/); // its notes were already empty
    expect(await record(store, '1.2.0')).toMatchObject({ name: 'Summer', file: null });
    expect(await record(store, '1.1.0')).toMatchObject({ public: false });
  });

  test('without anything to change: exit 2, naming the flags, before anything is read', async () => {
    const run = await runCli(['edit', '--store', path.join(await tempDir(), 'none'), '--app', 'rocket', '--version', '1.0.0']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'error: Nothing to change: give --name, --notes, --notes-file, --public or --no-public.\n' });
  });

  test('an unknown version is refused with what to check, and nothing is written', async () => {
    const { store, target } = await localFeed();
    const before = await store.readBranchFile(MANIFEST_PATH);
    const run = await runCli(['edit', ...target, '--version', '9.9.9', '--name', 'Ghost']);
    expect(run).toEqual({
      code: 2,
      stdout: '',
      stderr: 'error: --version: rocket release 9.9.9 is not a version of this feed. Check --version and --build-type, or publish it first.\n',
    });
    expect(await store.readBranchFile(MANIFEST_PATH)).toEqual(before);
  });
});

describe('updateforge edit --github', () => {
  test('edits the release on GitHub; the same edit again makes no commit', async () => {
    const repo = github.newRepo();
    const store = githubStore(github.fake(), repo);
    const config = await writeConfig();
    await seed(store, config);
    const env = { UPDATEFORGE_GITHUB_TOKEN: WRITE_TOKEN, UPDATEFORGE_GITHUB_API_URL: github.fake().url, UPDATEFORGE_GITHUB_PACING_MS: '0', UPDATEFORGE_GITHUB_RETRY_MS: '5' };
    const args = ['edit', '--github', repo, '--config', config.path, '--app', 'rocket', '--version', '1.0.0', '--notes', 'From GitHub.'];

    const edited = await runCli(args, { env });
    expect(edited.code, edited.stderr).toBe(0);
    expect(edited.stdout).toMatch(/^Edited the notes of rocket release 1\.0\.0\n/);
    expect(await record(store, '1.0.0')).toMatchObject({ name: 'First', notes: 'From GitHub.' });
    expect(parseReleaseBody((await store.findReleaseByTag('rocket/release/v1.0.0'))!.body)?.notes).toBe('From GitHub.');

    const fakeRepo = github.fake().repos.get(repo.toLowerCase())!;
    const head = fakeRepo.refs.get('refs/heads/updateforge');
    const again = await runCli(args, { env });
    expect(again.stdout).toMatch(/^Unchanged: rocket release 1\.0\.0 already had the notes given\n/);
    expect(fakeRepo.refs.get('refs/heads/updateforge')).toBe(head);
    expect(edited.stdout + edited.stderr + again.stdout + again.stderr).not.toContain(WRITE_TOKEN);
  });
});
