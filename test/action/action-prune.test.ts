import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { parseActionInputs } from '../../src/action/inputs.js';
import { loadConfig } from '../../src/feed/config.js';
import { MANIFEST_PATH } from '../../src/feed/manifest.js';
import { publish } from '../../src/publish/publish.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { readManifest } from '../helpers/feed.js';
import { CONFIG } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

/** A feed repository with rocket release binaries 1.0.0, 1.1.0 and 1.2.0, and the workspace a checkout leaves. */
async function threeReleases() {
  const repo = github.newRepo();
  const cwd = await workspace(CONFIG);
  const config = await loadConfig(path.join(cwd, 'updateforge.json'));
  const store = githubStore(github.fake(), repo);
  for (const version of ['1.0.0', '1.1.0', '1.2.0']) {
    await publish({ store, config, request: { app: 'rocket', buildType: 'release', version, path: path.join(cwd, await buildFile(cwd, `app-${version}.apk`, `apk ${version}`)) } });
  }
  return { repo, cwd, store };
}

const tags = (repo: string) => [...github.fake().repos.get(repo.toLowerCase())!.releases.values()].map((r) => r.tagName).sort();
const manifestSha = async (repo: string) => ((await githubStore(github.fake(), repo).readBranchFile(MANIFEST_PATH)) as { sha: string }).sha;

describe('the action with command prune, and publish with keep, run as the runner runs dist/index.js', () => {
  test('prune with dry-run reports and writes nothing; without it the old releases go; the job summary lists them', async () => {
    const { repo, cwd, store } = await threeReleases();
    const before = await readManifest(store);

    const dry = await runAction(github.fake(), { repo, cwd, inputs: { command: 'prune', app: 'rocket', keep: '1', 'dry-run': 'true' } });
    expect(dry.code, dry.stdout).toBe(0);
    expect(dry.summary).toContain('## UpdateForge: Would prune 2 versions of rocket release (keeping the newest 1)');
    expect(dry.summary).toContain('| 1.1.0 | binary | 9 bytes | would be removed |');
    expect(dry.summary).toContain('Dry run: nothing was written.');
    expect(dry.outputs).toEqual({ 'manifest-sha': await manifestSha(repo) });
    expect(await readManifest(store)).toEqual(before);
    expect(tags(repo)).toHaveLength(3);

    const run = await runAction(github.fake(), { repo, cwd, inputs: { command: 'prune', app: 'rocket', keep: '1' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('Pruned rocket release 1.1.0, rocket release 1.0.0');
    expect(run.summary).toContain('## UpdateForge: Pruned 2 versions of rocket release (keeping the newest 1)');
    expect(run.summary).toContain('| 1.0.0 | binary | 9 bytes | removed |');
    expect(run.summary).toContain('18 bytes freed');
    expect(tags(repo)).toEqual(['rocket/release/v1.2.0']);
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['1.2.0']);
    expect(run.outputs).toEqual({ 'manifest-sha': await manifestSha(repo) });
  });

  test('publish with keep prunes that app and build type after publishing, and sets manifest-sha to the manifest after both', async () => {
    const { repo, cwd, store } = await threeReleases();
    await buildFile(cwd, 'app.apk', 'apk 1.3.0');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', version: '1.3.0', path: 'app.apk', keep: '2' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.summary).toContain('## UpdateForge: Published rocket release 1.3.0');
    expect(run.summary).toContain('## UpdateForge: Pruned 2 versions of rocket release (keeping the newest 2)');
    expect(tags(repo)).toEqual(['rocket/release/v1.2.0', 'rocket/release/v1.3.0']);
    expect((await readManifest(store))?.versions.map((v) => v.version)).toEqual(['1.3.0', '1.2.0']);
    expect(run.outputs['manifest-sha']).toBe(await manifestSha(repo));
    expect(run.outputs['version-id']).toBe((await readManifest(store))?.versions[0]?.id);
  });

  test.each([
    [{ command: 'prune', app: 'rocket' }, /^::error::Input `keep`: is empty: `command: prune` needs how many of the newest versions to keep/m],
    [{ command: 'prune', app: 'rocket', keep: '0' }, /^::error::Input `keep`: '0' is not a number of versions to keep\. Give a whole number, 1 or more \(e\.g\. 3\)/m],
    [{ command: 'prune', app: 'rocket', keep: '1', version: '1.0.0' }, /^::error::Input `version`: does not apply to `command: prune`, which keeps the newest `keep` versions/m],
    [{ command: 'prune', app: 'rocket', keep: '1', path: 'app.apk' }, /^::error::Input `path`: does not apply to `command: prune`/m],
    [
      { command: 'yank', app: 'rocket', version: '1.0.0', keep: '1' },
      /^::error::Input `keep`: is for `command: prune`; `command: yank` edits one published bundle\. Remove it from this step\.$/m,
    ],
    [{ app: 'rocket', version: '1.3.0', 'dry-run': 'true' }, /^::error::Input `dry-run`: is for `command: prune`; a publish has no dry run\./m],
    [{ command: 'prune', app: 'nope', keep: '1' }, /^::error::Input `app`: Unknown app 'nope'\. Apps in updateforge\.json: 'rocket', 'anvil', 'gadget'\.$/m],
  ])('%j fails with an annotation that says what to fix, and deletes nothing', async (inputs, annotation) => {
    const { repo, cwd, store } = await threeReleases();
    const before = await readManifest(store);
    const run = await runAction(github.fake(), { repo, cwd, inputs });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(annotation);
    expect(await readManifest(store)).toEqual(before);
    expect(tags(repo)).toHaveLength(3);
  });
});

describe('the prune inputs, as parseActionInputs reads them', () => {
  const base = { INPUT_TOKEN: 't', INPUT_APP: 'rocket', 'INPUT_BUILD-TYPE': '', INPUT_OVERWRITE: 'false', GITHUB_REF: 'refs/tags/v2.0.0' };

  test('command prune takes app, build type (release by default), keep and dry-run, and no version even on a tag', () => {
    expect(parseActionInputs({ ...base, INPUT_COMMAND: 'prune', INPUT_KEEP: '3' }).command).toEqual({
      name: 'prune',
      target: { app: 'rocket', buildType: 'release', keep: 3 },
      dryRun: false,
    });
    expect(parseActionInputs({ ...base, INPUT_COMMAND: 'Prune', INPUT_KEEP: ' 1 ', 'INPUT_BUILD-TYPE': 'debug', 'INPUT_DRY-RUN': 'yes' }).command).toEqual({
      name: 'prune',
      target: { app: 'rocket', buildType: 'debug', keep: 1 },
      dryRun: true,
    });
  });

  test('publish takes keep, and leaves it out when empty', () => {
    expect(parseActionInputs({ ...base, INPUT_KEEP: '5' }).command).toMatchObject({ name: 'publish', keep: 5, request: { version: '2.0.0' } });
    expect(parseActionInputs(base).command).toMatchObject({ name: 'publish', keep: undefined });
  });

  test.each([
    [{ INPUT_COMMAND: 'prune', INPUT_KEEP: '2', 'INPUT_DRY-RUN': 'maybe' }, 'dry-run'],
    [{ INPUT_COMMAND: 'prune', INPUT_KEEP: '2', INPUT_OVERWRITE: 'true' }, 'overwrite'],
    [{ INPUT_COMMAND: 'prune', INPUT_KEEP: '2', INPUT_PERCENT: '50' }, 'percent'],
    [{ INPUT_COMMAND: 'rollout', INPUT_VERSION: '1.0.0', INPUT_PERCENT: '50', 'INPUT_DRY-RUN': 'true' }, 'dry-run'],
    [{ INPUT_KEEP: '-2' }, 'keep'],
  ])('refuses %j naming the input', (env, field) => {
    expect(() => parseActionInputs({ ...base, ...env })).toThrow(expect.objectContaining({ field }));
  });
});
