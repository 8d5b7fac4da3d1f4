import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { contextFromEnv } from '../../src/server/env-context.js';
import { startServer } from '../../src/server/node-server.js';
import { silentLogger } from '../../src/util/logger.js';
import { buildFile, runAction, workspace } from '../helpers/action.js';
import { CONFIG } from '../helpers/fixtures.js';
import { READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { makeUser, SECRET } from '../helpers/server.js';

/**
 * A feed the action published to a private GitHub repository, served as a deployment serves it:
 * the route files called as Vercel calls them, and the Node host. How the server reads the feed
 * from GitHub is in github-feed-reads.test.ts, how it passes downloads on in github-downloads.test.ts.
 */

const github = useFakeGitHub();
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The variables a Vercel deployment of this feed would have. */
async function deploymentEnv(repo: string, extra: Record<string, string> = {}) {
  const users = [await makeUser('alice', 'alice@example.com', ['acme'])];
  return {
    UPDATEFORGE_REPO: repo,
    UPDATEFORGE_GITHUB_TOKEN: READ_TOKEN,
    UPDATEFORGE_GITHUB_API_URL: github.fake().url,
    UPDATEFORGE_USERS: JSON.stringify(users),
    UPDATEFORGE_JWT_SECRET: SECRET,
    ...extra,
  };
}

describe('the API on a feed the action published to a private GitHub repository', () => {
  let repo: string;
  const apk = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 31) % 251));

  beforeAll(async () => {
    repo = github.newRepo({ private: true });
    const cwd = await workspace(CONFIG);
    await buildFile(cwd, 'app-release.apk', apk);
    const run = await runAction(github.fake(), { repo, cwd, inputs: { app: 'rocket', path: 'app-release.apk', name: 'First' }, env: { GITHUB_REF: 'refs/tags/v1.0.0' } });
    expect(run.code, run.stdout).toBe(0);
  });

  test.each([
    ['redirects to a signed URL', false],
    ['serves the bytes itself, ignoring Range', true],
  ])('called as Vercel calls the route files: log in, list apps, download whole and in part (GitHub %s)', async (_, direct) => {
    github.fake().assetsServedDirectly = direct;
    onTestFinished(() => void (github.fake().assetsServedDirectly = false));
    Object.assign(process.env, await deploymentEnv(repo));
    const { POST: auth } = await import('../../api/v1/auth.js');
    const { GET: apps } = await import('../../api/v1/apps.js');
    const { GET: download } = await import('../../api/v1/versions/[id]/download.js');
    const base = 'https://updateforge-demo.vercel.app';

    const login = await auth(new Request(`${base}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) }));
    expect(login.status).toBe(200);
    const { token } = (await login.json()) as { token: string };
    const listed = await apps(new Request(`${base}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } }));
    const body = (await listed.json()) as { teams: { apps: { release: { current: { id: string; version: string; name: string } } }[] }[] };
    const current = body.teams[0]!.apps[0]!.release.current;
    expect(current).toMatchObject({ version: '1.0.0', name: 'First' });

    const url = `${base}/api/v1/versions/${current.id}/download`;
    const whole = await download(new Request(url, { headers: { authorization: `Bearer ${token}` } }));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('application/octet-stream');
    expect(whole.headers.get('content-disposition')).toBe('attachment; filename=app-release.apk');
    expect(whole.headers.get('content-length')).toBe(String(apk.length));
    expect(sha256(Buffer.from(await whole.arrayBuffer()))).toBe(sha256(apk));
    const part = await download(new Request(url, { headers: { authorization: `Bearer ${token}`, range: 'bytes=1000-1999' } }));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${apk.length}`);
    expect(Buffer.from(await part.arrayBuffer()).equals(apk.subarray(1000, 2000))).toBe(true);
    const beyond = await download(new Request(url, { headers: { authorization: `Bearer ${token}`, range: `bytes=${apk.length}-` } }));
    expect(beyond.status).toBe(416);
  });

  test('on a Node host (`serve --github`), the same over loopback', async () => {
    const server = await startServer({ context: contextFromEnv(await deploymentEnv(repo), silentLogger) });
    try {
      const login = await fetch(`${server.url}/api/v1/auth`, { method: 'POST', body: JSON.stringify({ email: 'alice@example.com', password: 'correct horse' }) });
      expect(login.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
