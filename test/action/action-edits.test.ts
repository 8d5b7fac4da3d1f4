import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { loadConfig } from '../../src/feed/config.js';
import { publish } from '../../src/publish/publish.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { readManifest } from '../helpers/feed.js';
import { CONFIG } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';

const github = useFakeGitHub();

/** A feed repository with rocket release 1.4.0 published as a bundle offered to 10% of devices, and the workspace a checkout leaves. */
async function publishedBundle() {
  const repo = github.newRepo();
  const cwd = await workspace(CONFIG);
  const config = await loadConfig(path.join(cwd, 'updateforge.json'));
  const result = await publish({
    store: githubStore(github.fake(), repo),
    config,
    request: { app: 'rocket', buildType: 'release', version: '1.4.0', path: await webBuild('one'), rollout: 10 },
  });
  return { repo, cwd, version: result.version };
}

const manifestOf = async (repo: string) => readManifest(githubStore(github.fake(), repo));

describe('the action with command rollout or yank, run as the runner runs dist/index.js', () => {
  test('rollout offers a published bundle to more devices: outputs, job summary, manifest', async () => {
    const { repo, cwd, version } = await publishedBundle();
    const run = await runAction(github.fake(), { repo, cwd, inputs: { command: 'rollout', app: 'rocket', version: '1.4.0', percent: '50' } });
    expect(run.code, run.stdout).toBe(0);
    const manifest = await manifestOf(repo);
    expect(manifest?.versions[0]).toMatchObject({ id: version.id, rollout: 50 });
    expect(run.outputs).toEqual({
      'version-id': version.id,
      sha256: version.file!.sha256,
      size: String(version.file!.size),
      'release-url': `https://github.com/${repo}/releases/tag/rocket%2Frelease%2Fv1.4.0`,
      'download-path': `/api/v1/versions/${version.id}/download`,
      'manifest-sha': expect.stringMatching(/^[0-9a-f]{40}$/),
      'install-url': '', // no page-url given
      'qr-code': '',
    });
    expect(run.summary).toContain('## UpdateForge: Rolled out rocket release 1.4.0 to 50% of devices');
    expect(run.summary).toContain('| Offered to | 50% of devices |');
    expect(run.stdout).toContain(`Rolled out rocket release 1.4.0 to 50% of devices (version id ${version.id})`);
    expect(run.stdout.replace(`::add-mask::${WRITE_TOKEN}`, '')).not.toContain(WRITE_TOKEN);
  });

  test('yank withdraws a bundle for good; a second yank changes nothing; a rollout after it is refused', async () => {
    const { repo, cwd, version } = await publishedBundle();
    const yank = { command: 'yank', app: 'rocket', version: '1.4.0' };
    const run = await runAction(github.fake(), { repo, cwd, inputs: yank });
    expect(run.code, run.stdout).toBe(0);
    expect((await manifestOf(repo))?.versions[0]).toMatchObject({ id: version.id, yanked: true });
    expect(run.outputs['version-id']).toBe(version.id);
    expect(run.summary).toContain('## UpdateForge: Yanked rocket release 1.4.0');
    expect(run.summary).toContain('| Offered to | no device: yanked, devices that installed it roll back to the previous bundle |');

    const again = await runAction(github.fake(), { repo, cwd, inputs: yank });
    expect(again.code, again.stdout).toBe(0);
    expect(again.summary).toContain('## UpdateForge: Unchanged: rocket release 1.4.0 was already yanked');
    expect(again.outputs['version-id']).toBe(version.id);

    const rollout = await runAction(github.fake(), { repo, cwd, inputs: { command: 'rollout', app: 'rocket', version: '1.4.0', percent: '100' } });
    expect(rollout.code).toBe(1);
    expect(rollout.stdout).toMatch(/^::error::rocket release 1\.4\.0 was yanked; it cannot be rolled out again\. Publish a new version\.$/m);
  });

  test.each([
    [{ command: 'rollout', app: 'rocket', version: '1.4.0' }, /^::error::Input `percent`: is empty: `command: rollout` needs the share of devices/m],
    [
      { command: 'yank', app: 'rocket', version: '1.4.0', path: 'dist' },
      /^::error::Input `path`: is for `command: publish`; `command: yank` edits a published bundle and does not take it\. Remove it from this step\.$/m,
    ],
    [{ command: 'rollout', app: 'rocket', version: '1.4.0', percent: '50', overwrite: 'true' }, /^::error::Input `overwrite`: is for `command: publish`/m],
    [{ command: 'revert', app: 'rocket', version: '1.4.0' }, /^::error::Input `command`: 'revert' is not one of publish, rollout, yank, prune\.$/m],
    [{ command: 'yank', app: 'rocket', version: '9.9.9' }, /^::error::Input `version`: rocket release 9\.9\.9 is not a published version with a file\.$/m],
  ])('%j fails with an annotation that says what to fix, and changes nothing', async (inputs, annotation) => {
    const { repo, cwd } = await publishedBundle();
    const before = await manifestOf(repo);
    const run = await runAction(github.fake(), { repo, cwd, inputs });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(annotation);
    expect(await manifestOf(repo)).toEqual(before);
  });

  test('an app binary cannot be rolled out or yanked', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    expect((await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '2.0.0' } })).code).toBe(0);
    const run = await runAction(github.fake(), { repo, cwd, inputs: { command: 'yank', app: 'rocket', version: '2.0.0' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::Input `version`: rocket release 2\.0\.0 is an app binary; rollouts and yanks are for live-update bundles\.$/m);
  });
});
