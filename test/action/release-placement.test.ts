import { describe, expect, test } from 'vitest';
import { addBlob, addCommit } from '../fake-github/model.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { CONFIG } from '../helpers/fixtures.js';
import { useFakeGitHub, WRITE_TOKEN } from '../helpers/github.js';

const github = useFakeGitHub();

/** What a repository's visitors see of our releases (issue 12): where their tags point, and which is "Latest". */
describe('releases the action publishes', () => {
  test('tag the commit the run built (GITHUB_SHA), not the branch head it has moved on to', async () => {
    const repo = github.newRepo();
    const fake = github.fake().repos.get(repo.toLowerCase())!;
    const built = fake.refs.get('refs/heads/main')!;
    // The branch moves on while the build runs.
    const later = addCommit(fake, { parents: [built], message: 'Next change', files: new Map([['README.md', addBlob(fake, Buffer.from('# changed\n'))]]) });
    fake.refs.set('refs/heads/main', later.sha);
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0' }, env: { GITHUB_SHA: built } });
    expect(run.code, run.stdout).toBe(0);
    expect(fake.refs.get('refs/tags/rocket/release/v1.0.0')).toBe(built);
  });

  test("never become the repository's Latest release: the project's own release stays it", async () => {
    const repo = github.newRepo();
    const api = `${github.fake().url}/repos/${repo}/releases`;
    const headers = { authorization: `token ${WRITE_TOKEN}`, 'content-type': 'application/json' };
    const own = (await (await fetch(api, { method: 'POST', headers, body: JSON.stringify({ tag_name: 'v5.0.0', name: 'Rocket 5.0' }) })).json()) as { id: number };
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    for (const version of ['1.0.0', '1.1.0']) {
      const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app.apk', version, overwrite: 'true' } });
      expect(run.code, run.stdout).toBe(0);
    }
    const latest = await fetch(`${api}/latest`, { headers });
    expect(latest.status).toBe(200);
    expect(((await latest.json()) as { id: number }).id).toBe(own.id);
  });
});

describe('a feed kept in another repository', () => {
  test("does not tag the workflow's commit, which that repository does not have", async () => {
    const repo = github.newRepo();
    const fake = github.fake().repos.get(repo.toLowerCase())!;
    const head = fake.refs.get('refs/heads/main')!;
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app.apk', 'apk bytes');
    const run = await runAction(github.fake(), {
      repo,
      cwd,
      inputs: { app: 'rocket', path: 'app.apk', version: '1.0.0' },
      env: { GITHUB_REPOSITORY: 'acme/app-source', GITHUB_SHA: 'f'.repeat(40), INPUT_REPO: repo },
    });
    expect(run.code, run.stdout).toBe(0);
    expect(fake.refs.get('refs/tags/rocket/release/v1.0.0')).toBe(head);
  });
});
