import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { seedReleases } from '../fake-github/seed.js';
import { runCli, startCli, waitForOutput } from '../helpers/cli.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { makeUser, SECRET } from '../helpers/server.js';

const github = useFakeGitHub();

async function publishedRepo() {
  const repo = github.newRepo({ private: true });
  await publish({
    store: githubStore(github.fake(), repo),
    config: await writeConfig(),
    request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild('on github') },
  });
  return repo;
}

async function env(repo: string) {
  return {
    UPDATEFORGE_REPO: repo,
    UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
    UPDATEFORGE_GITHUB_API_URL: github.fake().url,
    UPDATEFORGE_USERS: JSON.stringify([await makeUser('alice', 'alice@example.com', ['acme']), await makeUser('zed', 'zed@example.com', ['nowhere'])]),
    UPDATEFORGE_JWT_SECRET: SECRET,
  };
}

describe('updateforge serve --github', () => {
  test('serves a feed on GitHub as a deployment would', async () => {
    const repo = await publishedRepo();
    const variables = await env(repo);
    const child = startCli(['serve', '--github', repo, '--port', '0'], { env: variables });
    const banner = await waitForOutput(child.stdout, /listening on http/);
    expect(banner).toContain(`(store: ${repo}@updateforge on ${variables.UPDATEFORGE_GITHUB_API_URL}, 2 users)`);
    const url = /listening on (http:\/\/\S+)/.exec(banner)![1]!;
    const login = await fetch(`${url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) });
    const { token } = (await login.json()) as { token: string };
    const apps = (await (await fetch(`${url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      teams: { apps: { release: { current: { version: string } } }[] }[];
    };
    expect(apps.teams[0]?.apps[0]?.release.current.version).toBe('1.0.0');
  });

  test('refuses to start with a bad configuration, naming every problem', async () => {
    const run = await runCli(['serve', '--github', 'acme/feed', '--port', '0'], { env: { UPDATEFORGE_JWT_SECRET: 'short' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('UPDATEFORGE_GITHUB_TOKEN is not set');
    expect(run.stderr).toContain('UPDATEFORGE_JWT_SECRET is 5 characters long');
  });
});

describe('updateforge doctor', () => {
  test('checks a working deployment, and the running server itself', async () => {
    const repo = await publishedRepo();
    const variables = await env(repo);
    const child = startCli(['serve', '--github', repo, '--port', '0'], { env: variables });
    const url = /listening on (http:\/\/\S+)/.exec(await waitForOutput(child.stdout, /listening on http/))![1]!;
    const run = await runCli(['doctor', '--url', url], { env: variables });
    expect(run.stdout).toContain(`✓ configuration: repo ${repo}, branch updateforge, 2 users, downloads: proxy`);
    expect(run.stdout).toContain(`✓ repository: the token can read ${repo} (1 release)`);
    expect(run.stdout).toMatch(/✓ manifest: valid: 3 apps, 1 versions/);
    expect(run.stdout).toContain('✗ users: zed@example.com belongs to no team of the feed');
    expect(run.stdout).toContain(`✓ ${url}/api/v1/apps: answers 401 {"error":"unauthorized"} as expected`);
    expect(run.stdout).toContain(`✓ ${url}/api/v1/updates: answers 400 {"error":"invalid_request"} as expected`);
    expect(run.stdout).toContain('1 problem to fix.');
    expect(run.code).toBe(1);
  });

  test('reads the variables from an env file and says what to fix', async () => {
    const file = path.join(await tempDir(), '.env.local');
    await writeFile(
      file,
      `# pulled from Vercel\nUPDATEFORGE_REPO="acme/feed-that-is-not-there"\nUPDATEFORGE_GITHUB_TOKEN="${READ_TOKEN}"\nUPDATEFORGE_GITHUB_API_URL="${github.fake().url}"\nUPDATEFORGE_USERS="[]"\nUPDATEFORGE_JWT_SECRET="${SECRET}"\n`,
    );
    const run = await runCli(['doctor', '--vars-file', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ repository: Could not list releases: acme/feed-that-is-not-there was not found, or the token cannot see it.');
    expect(run.stdout).not.toContain(READ_TOKEN);
  });

  test('a variables file that is not there is our one-line error, exit 2 (not Node taking the flag for itself)', async () => {
    const run = await runCli(['doctor', '--vars-file', path.join(await tempDir(), '.env.local')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: --vars-file: cannot read '.*\.env\.local': no such file or directory\.\n$/);
  });

  test('still calls the deployment when the variables it was given are wrong', async () => {
    const repo = await publishedRepo();
    const child = startCli(['serve', '--github', repo, '--port', '0'], { env: await env(repo) });
    const url = /listening on (http:\/\/\S+)/.exec(await waitForOutput(child.stdout, /listening on http/))![1]!;
    const run = await runCli(['doctor', '--url', url], { env: { UPDATEFORGE_REPO: repo } });
    expect(run.stdout).toContain('✗ configuration: UPDATEFORGE_GITHUB_TOKEN is not set');
    expect(run.stdout).toContain(`✓ ${url}/api/v1/apps: answers 401 {"error":"unauthorized"} as expected`);
    expect(run.code).toBe(1);
  });

  test("a repository past GitHub's 1,000-release listing cap passes the repository check", async () => {
    const repo = github.newRepo();
    seedReleases(github.fake().repos.get(repo.toLowerCase())!, { app: 'rocket', count: 1001 });
    const run = await runCli(['doctor'], { env: { ...(await env(repo)), UPDATEFORGE_USERS: '[]' } });
    expect(run.stdout).toContain(`✓ repository: the token can read ${repo} (more than 1000 releases)`);
  });

  test('a manifest branch that is not there yet is explained', async () => {
    const repo = github.newRepo();
    const run = await runCli(['doctor'], { env: { ...(await env(repo)), UPDATEFORGE_USERS: '[]' } });
    expect(run.stdout).toContain("✗ manifest: no manifest.json on branch 'updateforge' yet: publish a first version");
  });
});
