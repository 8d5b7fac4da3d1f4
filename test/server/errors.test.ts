import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { LocalStore } from '../../src/store/local/store.js';
import { jsonLogger } from '../../src/util/logger.js';
import { projectRoot } from '../../src/util/project-root.js';
import { withFaults } from '../helpers/faulty-store.js';
import { startFeedServer } from '../helpers/feed-server.js';
import { login, makeUser, SECRET, serve } from '../helpers/server.js';

describe('errors', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startFeedServer());
  });

  test('/ is the page Vercel serves from web/, for a browser pointed at the server', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toBe(await readFile(path.join(projectRoot(), 'web', 'index.html'), 'utf8'));
    const post = await fetch(`${url}/`, { method: 'POST' });
    expect(post.status).toBe(404);
    expect(await post.json()).toEqual({ error: 'not found' });
  });

  test.each(['/api', '/api/v1', '/api/v1/nope', '/api/v1/apps/extra', '/api/v1/versions//download', '/favicon.ico'])('unknown route %s is a JSON 404', async (path) => {
    const res = await fetch(`${url}${path}`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await res.json()).toEqual({ error: 'not found' });
  });

  test.each([
    ['PUT', '/api/v1/apps', 'GET, HEAD, OPTIONS'],
    ['POST', '/api/v1/apps', 'GET, HEAD, OPTIONS'],
    ['DELETE', '/api/v1/versions/x/download', 'GET, HEAD, OPTIONS'],
    ['PATCH', '/api/v1/auth', 'POST, OPTIONS'],
  ])('%s %s is a JSON 405 with Allow', async (method, path, allow) => {
    const res = await fetch(`${url}${path}`, { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe(allow);
    expect(await res.json()).toEqual({ error: 'method not allowed' });
  });

  test('OPTIONS answers the allowed methods', async () => {
    const res = await fetch(`${url}/api/v1/auth`, { method: 'OPTIONS' });
    expect(res.status).toBe(204);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
  });
});

describe('failures inside the server', () => {
  test('a store failure is a JSON 500 with no detail; the log has no stack and no secret', async () => {
    const feed = await startFeedServer();
    const lines: string[] = [];
    const broken = withFaults(feed.store, {
      openAsset: () => Promise.reject(new Error('EIO: disk on fire')),
    });
    const server = await serve({ store: broken, users: feed.users, log: jsonLogger((l) => lines.push(l)) });
    const token = await login(server.url, 'alice@example.com');
    const res = await fetch(`${server.url}/api/v1/versions/${feed.versions.rocket110.id}/download`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: 'internal error' });
    expect(text).not.toContain('EIO');

    const log = lines.join('');
    expect(log).toContain('disk on fire');
    expect(log).not.toMatch(/\n\s+at /);
    for (const secret of [SECRET, token, 'correct horse', feed.users[0]!.passwordHash]) expect(log).not.toContain(secret);
  });

  test('an unreadable manifest at start is a 503; once read, a failing store keeps serving the last good one', async () => {
    const feed = await startFeedServer();
    let failing = true;
    const flaky = withFaults(feed.store, {
      readBranchFile: (inner, ...args) => (failing ? Promise.reject(new Error('ECONNRESET')) : inner.readBranchFile(...args)),
    });
    const server = await serve({ store: flaky, users: feed.users });
    const token = `Bearer ${await login(server.url, 'alice@example.com')}`;
    const first = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: token } });
    expect(first.status).toBe(503);
    expect(await first.json()).toEqual({ error: 'feed unavailable' });

    failing = false;
    const good = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: token } });
    expect(good.status).toBe(200);
    const goodBody = await good.json();

    failing = true;
    const stale = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: token } });
    expect(stale.status).toBe(200);
    expect(stale.headers.get('x-updateforge-stale')).toBe('1');
    expect(await stale.json()).toEqual(goodBody);
  });

  test('a store with no manifest yet serves an empty feed', async () => {
    const { tempDir } = await import('../helpers/fixtures.js');
    const store = await LocalStore.openOrCreate(`${await tempDir()}/empty`);
    const server = await serve({ store, users: [await makeUser('a', 'a@example.com', ['acme'])] });
    const res = await fetch(`${server.url}/api/v1/apps`, { headers: { authorization: `Bearer ${await login(server.url, 'a@example.com')}` } });
    expect(await res.json()).toEqual({ teams: [] });
  });
});
