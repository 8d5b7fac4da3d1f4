import { describe, expect, test } from 'vitest';
import { readManifest } from '../helpers/feed.js';
import { CONFIG } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';

const github = useFakeGitHub();

describe('the action, run as the runner runs dist/index.js', () => {
  test('publishes a tag build: outputs, job summary, release and manifest', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app-release.apk', 'apk bytes');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app-release.apk', name: 'January update' }, env: { GITHUB_REF: 'refs/tags/v1.2.3' } });
    expect(run.code, run.stdout).toBe(0);
    const manifest = await readManifest(githubStore(github.fake(), repo));
    const version = manifest!.versions[0]!;
    expect(version).toMatchObject({ version: '1.2.3', name: 'January update', file: { name: 'app-release.apk', size: 9 } });
    expect(run.outputs).toEqual({
      'version-id': version.id,
      sha256: version.file!.sha256,
      size: '9',
      'release-url': `https://github.com/${repo}/releases/tag/rocket%2Frelease%2Fv1.2.3`,
      'download-path': `/api/v1/versions/${version.id}/download`,
      'manifest-sha': expect.stringMatching(/^[0-9a-f]{40}$/),
      'install-url': '', // no page-url given
      'qr-code': '',
    });
    expect(run.summary).toContain('## UpdateForge: Published rocket release 1.2.3');
    expect(run.summary).toContain('| release | 1.2.3 | - | - |');
    expect(run.stdout).toContain(`::add-mask::${WRITE_TOKEN}`);
    expect(run.stdout.replace(`::add-mask::${WRITE_TOKEN}`, '')).not.toContain(WRITE_TOKEN);
    expect(run.summary).not.toContain(WRITE_TOKEN);
    // Nor in anything the run left in the repository: releases, assets, the feed branch.
    const state = github.fake().repos.get(repo.toLowerCase())!;
    const stored = [
      ...[...state.releases.values()].map((r) => `${r.name} ${r.body}`),
      ...[...state.blobs.values()].map((b) => b.toString('latin1')),
      ...[...state.assets.values()].map((a) => a.label),
    ];
    for (const text of stored) expect(text).not.toContain(WRITE_TOKEN);
  });

  test('the same run twice is a no-op; other bytes fail unless overwrite', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'one');
    const inputs = { app: 'rocket', path: 'app.apk', version: '2.0.0' };
    expect((await runAction(github.fake(), { repo, cwd, inputs })).code).toBe(0);
    const again = await runAction(github.fake(), { repo, cwd, inputs });
    expect(again.code).toBe(0);
    expect(again.summary).toContain('## UpdateForge: Already published, nothing changed: rocket release 2.0.0');

    await buildFile(cwd, 'app.apk', 'two');
    const conflict = await runAction(github.fake(), { repo, cwd, inputs });
    expect(conflict.code).toBe(1);
    expect(conflict.stdout).toMatch(/^::error::rocket release 2\.0\.0 is already published with different bytes .* pass --overwrite to replace it\.$/m);
    const overwrite = await runAction(github.fake(), { repo, cwd, inputs: { ...inputs, overwrite: 'true' } });
    expect(overwrite.code, overwrite.stdout).toBe(0);
    expect(overwrite.summary).toContain('Replaced the file of rocket release 2.0.0');
  });

  test('two runs publishing different versions at the same moment both end up in the manifest', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'a.apk', 'a');
    await buildFile(cwd, 'b.apk', 'b');
    const [a, b] = await Promise.all([
      runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'a.apk', version: '3.0.0' } }),
      runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'b.apk', version: '3.1.0' } }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect((await readManifest(githubStore(github.fake(), repo)))?.versions.map((v) => v.version)).toEqual(['3.1.0', '3.0.0']);
  });

  test('an upload that dies half-way is retried to a clean result', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'big.apk', Buffer.alloc(200_000, 1));
    github.fake().inject({ operationId: 'repos/upload-release-asset', abortUploadAfter: 1000 });
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'big.apk', version: '1.0.0' } });
    expect(run.code, run.stdout).toBe(0);
    expect(run.stdout).toContain('::warning::upload failed, retrying');
    const repoState = github.fake().repos.get(repo.toLowerCase())!;
    expect([...repoState.assets.values()].map((x) => [x.state, x.bytes.length])).toEqual([['uploaded', 200_000]]);
  });

  test('an upload that keeps dying fails the run; the re-run ends clean', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'big.apk', Buffer.alloc(100_000, 2));
    github.fake().inject({ operationId: 'repos/upload-release-asset', abortUploadAfter: 500, times: 3 });
    const failed = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'big.apk', version: '1.0.0' } });
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(/^::error::Could not upload 'big\.apk'/m);
    const state = github.fake().repos.get(repo.toLowerCase())!;
    expect(state.releases.size).toBe(0);
    const rerun = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'big.apk', version: '1.0.0' } });
    expect(rerun.code, rerun.stdout).toBe(0);
    expect([...state.releases.values()].map((r) => [r.draft, r.assetIds.length])).toEqual([[false, 1]]);
    expect([...state.assets.values()].map((a) => [a.state, a.bytes.length])).toEqual([['uploaded', 100_000]]);
  });

  test.each([
    [{ app: 'rocket', path: 'app.apk', version: 'v1.0' }, /^::error::Input `version`: 'v1\.0' is not a strict semantic version\./m],
    [{ app: 'rocket', path: 'missing.apk', version: '1.0.0' }, /^::error::Input `path`: Cannot read 'missing\.apk': no such file or directory\./m],
    [{ app: 'rocket', path: 'app.apk' }, /^::error::Input `version`: is empty and this run was not started by a tag \(GITHUB_REF=refs\/heads\/main\)/m],
    [{ app: 'ghost', path: 'app.apk', version: '1.0.0' }, /^::error::Input `app`: Unknown app 'ghost'/m],
  ])('%j fails with an annotation that says what to fix', async (inputs, annotation) => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'x');
    const run = await runAction(github.fake(), { repo, cwd, inputs, env: { GITHUB_REF: 'refs/heads/main' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(annotation);
    expect(github.fake().repos.get(repo.toLowerCase())!.releases.size).toBe(0);
  });

  test('a token without contents: write gets an annotation that says so, and is never printed', async () => {
    const repo = github.newRepo();
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'x');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0', token: READ_TOKEN } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::The token may not .* add `permissions: contents: write`/m);
    expect(run.stdout.replaceAll(`::add-mask::${READ_TOKEN}`, '')).not.toContain(READ_TOKEN);
  });

  test('an empty feed repository is refused with what to do', async () => {
    const repo = github.newRepo({ empty: true });
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'x');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0' } });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::error::.*is an empty repository\. Push a first commit/m);
  });
});
