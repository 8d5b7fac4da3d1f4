import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { readManifest } from '../helpers/feed.js';
import { tempDir, writeConfig } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';
import { LIVE_CONFIG, webBuild } from '../helpers/live-feed.js';
import { addCommit } from '../fake-github/model.js';

const github = useFakeGitHub();

/** What `--github` reads, pointed at the fake; the pacing knobs keep GitHub's one-second spacing of writes out of the tests. */
function githubEnv(token: Record<string, string> = { UPDATEFORGE_GITHUB_TOKEN: WRITE_TOKEN }): NodeJS.ProcessEnv {
  return { ...token, UPDATEFORGE_GITHUB_API_URL: github.fake().url, UPDATEFORGE_GITHUB_PACING_MS: '0', UPDATEFORGE_GITHUB_RETRY_MS: '5' };
}

async function target(repo: string) {
  const config = await writeConfig(LIVE_CONFIG);
  return ['--github', repo, '--config', config.path, '--app', 'rocket', '--build-type', 'release'];
}

const manifestOf = async (repo: string) => readManifest(githubStore(github.fake(), repo));

function expectNoToken(...runs: CliResult[]) {
  for (const run of runs) for (const token of [WRITE_TOKEN, READ_TOKEN]) expect(run.stdout + run.stderr).not.toContain(token);
}

describe('publish, rollout and yank --github', () => {
  test('publish a bundle to a feed on GitHub, raise its rollout, then yank it', async () => {
    const repo = github.newRepo({ private: true });
    const args = await target(repo);

    const published = await runCli(['publish', ...args, '--version', '1.0.0', '--path', await webBuild('one'), '--rollout', '10'], { env: githubEnv() });
    expect(published.code, published.stderr).toBe(0);
    expect(published.stdout).toMatch(/^Published rocket release 1\.0\.0\n/);
    expect(published.stdout).toContain('  rollout     10% of devices\n');
    expect(published.stdout).toContain('  delta       2 files, each served alone\n');
    const releases = [...github.fake().repos.get(repo.toLowerCase())!.releases.values()];
    expect(releases.map((r) => [r.tagName, r.draft])).toEqual([['rocket/release/v1.0.0', false]]);
    expect((await manifestOf(repo))?.versions[0]).toMatchObject({ version: '1.0.0', rollout: 10, file: { kind: 'bundle' } });

    const raised = await runCli(['rollout', ...args, '--version', '1.0.0', '--percent', '60'], { env: githubEnv() });
    expect(raised.code, raised.stderr).toBe(0);
    expect(raised.stdout).toMatch(/^Rolled out rocket release 1\.0\.0 to 60% of devices\n {2}manifest {4}[0-9a-f]{40}\n$/);
    expect((await manifestOf(repo))?.versions[0]?.rollout).toBe(60);

    // GITHUB_TOKEN, as a workflow step or a shell set up for `gh` has it, stands in for UPDATEFORGE_GITHUB_TOKEN.
    const yanked = await runCli(['yank', ...args, '--version', '1.0.0'], { env: githubEnv({ GITHUB_TOKEN: WRITE_TOKEN }) });
    expect(yanked.code, yanked.stderr).toBe(0);
    expect(yanked.stdout).toMatch(/^Yanked rocket release 1\.0\.0 \(devices roll back to the previous bundle\)\n/);
    expect((await manifestOf(repo))?.versions[0]?.yanked).toBe(true);

    const again = await runCli(['yank', ...args, '--version', '1.0.0'], { env: githubEnv() });
    expect(again.stdout).toMatch(/^Unchanged: rocket release 1\.0\.0 was already yanked\n/);
    expectNoToken(published, raised, yanked, again);
  });

  test('a token that may only read is told what permission it lacks', async () => {
    const repo = github.newRepo();
    const args = await target(repo);
    expect((await runCli(['publish', ...args, '--version', '1.0.0', '--path', await webBuild('one')], { env: githubEnv() })).code).toBe(0);
    const before = await manifestOf(repo);

    const run = await runCli(['rollout', ...args, '--version', '1.0.0', '--percent', '50'], { env: githubEnv({ UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN }) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: The token may not .* on acme\/feed-[0-9a-f]+ \(403 .*\)\. .*Contents: read and write/m);
    expect(await manifestOf(repo)).toEqual(before);
    expectNoToken(run);
  });

  test.each([
    ['both --store and --github', (repo: string) => ['--store', '/tmp/feed', '--github', repo], githubEnv, 'error: Give either --store DIR or --github OWNER/NAME, not both.'],
    ['neither', () => [], githubEnv, 'error: Give either --store DIR (a local feed) or --github OWNER/NAME (a feed on GitHub).'],
    [
      'no token',
      (repo: string) => ['--github', repo],
      () => ({ UPDATEFORGE_GITHUB_API_URL: github.fake().url }),
      'error: --github acme/feed-* needs a token: set UPDATEFORGE_GITHUB_TOKEN (or GITHUB_TOKEN) to a token that can write to acme/feed-* (fine-grained: Contents read and write).',
    ],
    [
      'a repository that is not owner/name',
      () => ['--github', 'https://github.com/acme/feed'],
      githubEnv,
      "error: --github: Invalid repository 'https://github.com/acme/feed'. Expected {owner}/{repo}, e.g. acme/mobile-builds.",
    ],
  ])('%s: refused in one line naming the fix, exit 2, for every command, before anything is written', async (_case, where, env: () => NodeJS.ProcessEnv, message) => {
    const repo = github.newRepo();
    const config = await writeConfig(LIVE_CONFIG);
    const common = [...where(repo), '--config', config.path, '--app', 'rocket', '--build-type', 'release', '--version', '1.0.0'];
    const build = path.join(await tempDir(), 'missing-is-fine-it-is-never-read');
    for (const args of [
      ['publish', ...common, '--path', build],
      ['rollout', ...common, '--percent', '5'],
      ['yank', ...common],
    ]) {
      const run = await runCli(args, { env: env() });
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr.replaceAll(repo, 'acme/feed-*')).toBe(`${message}\n`);
      expect(run.stdout).toBe('');
    }
    expect(github.fake().repos.get(repo.toLowerCase())!.releases.size).toBe(0);
    expect(github.fake().requests.filter((r) => r.path.includes(repo))).toEqual([]);
  });
});

describe('repair --github', () => {
  test('rebuilds a lost manifest of a feed on GitHub, with progress on stderr and a summary on stdout', async () => {
    const repo = github.newRepo();
    const args = await target(repo);
    for (const version of ['1.0.0', '1.1.0']) {
      const published = await runCli(['publish', ...args, '--version', version, '--path', await webBuild(version)], { env: githubEnv() });
      expect(published.code, published.stderr).toBe(0);
    }
    const before = await manifestOf(repo);
    // The branch is gone (deleted by hand): the releases still hold every version.
    github.fake().repos.get(repo.toLowerCase())!.refs.delete('refs/heads/updateforge');

    const repair = await runCli(['repair', '--github', repo, '--config', args[3]!], { env: githubEnv() });
    expect(repair.code, repair.stderr).toBe(0);
    expect(repair.stderr).toBe('Listing releases…\nWriting the manifest…\n');
    expect(repair.stdout).toMatch(new RegExp(`^Repaired the manifest of ${repo}, which lists 2 versions\\n {2}releases {4}2 listed\\n {2}manifest {4}[0-9a-f]{40}\\n$`));
    expect({ ...(await manifestOf(repo)), generatedAt: '' }).toEqual({ ...before, generatedAt: '' });

    const again = await runCli(['repair', '--github', repo, '--config', args[3]!, '--json'], { env: githubEnv() });
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, listed: 2, lookedUp: 0, orphanDrafts: [], versions: 2 });
    expectNoToken(repair, again);
  });

  test('without --store or --github it says which to give', async () => {
    const repair = await runCli(['repair'], { env: githubEnv() });
    expect(repair).toMatchObject({ code: 2, stdout: '' });
    expect(repair.stderr).toMatch(/Give either --store DIR \(a local feed\) or --github OWNER\/NAME/);
  });
});

describe('publish --github inside a workflow', () => {
  test("tags the commit the run built (GITHUB_SHA) when the feed is the workflow's own repository, as the action does", async () => {
    const repo = github.newRepo();
    const fakeRepo = github.fake().repos.get(repo.toLowerCase())!;
    const head = fakeRepo.refs.get('refs/heads/main')!;
    // The commit the run checked out; main has moved on since.
    const built = addCommit(fakeRepo, { parents: [head], message: 'the built commit', files: new Map(fakeRepo.commits.get(head)!.files) });
    fakeRepo.refs.set('refs/heads/main', addCommit(fakeRepo, { parents: [built.sha], message: 'later', files: new Map(built.files) }).sha);

    const args = await target(repo);
    const env = { ...githubEnv(), GITHUB_REPOSITORY: repo, GITHUB_SHA: built.sha };
    const published = await runCli(['publish', ...args, '--version', '1.0.0', '--path', await webBuild('one')], { env });
    expect(published.code, published.stderr).toBe(0);
    expect(fakeRepo.refs.get('refs/tags/rocket/release/v1.0.0')).toBe(built.sha);
  });
});
