import { connect } from 'node:net';
import fc from 'fast-check';
import { beforeAll, describe, expect, test } from 'vitest';
import { startFeedServer } from '../helpers/feed-server.js';
import { login } from '../helpers/server.js';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;

/** Sends raw bytes and returns the raw answer. */
function rawExchange(url: string, bytes: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.end(bytes));
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

describe('bad input never crashes the server or leaks anything', () => {
  let feed: Feed;
  let token: string;
  beforeAll(async () => {
    feed = await startFeedServer();
    token = await login(feed.url, 'alice@example.com');
  });

  test('random requests always get a documented answer: success, or {"error": "..."} JSON, never a 500', async () => {
    const segment = fc.oneof(
      fc.constantFrom('api', 'v1', 'apps', 'auth', 'versions', 'download', 'files', 'rocket', 'rocket.png', '..', '.', '%2e%2e', '%2F', '%00', '%E0%A4%A', '', 'x'.repeat(300)),
      fc.string({ maxLength: 12 }).map(encodeURIComponent),
    );
    const versionIds = [feed.versions.rocket110.id, feed.versions.rocket120.id, feed.versions.gadget.id];
    const path = fc.oneof(
      fc.array(segment, { maxLength: 7 }).map((s) => `/${s.join('/')}`),
      fc.constantFrom(...versionIds).map((id) => `/api/v1/versions/${id}/download`),
      fc.constantFrom('/api/v1/auth', '/api/v1/apps', '/api/files/apps/rocket/rocket.png', '/api/v1/updates', '/api/v1/stats', '/api/v1/channel_self'),
    );
    const request = fc.record({
      method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS'),
      path,
      authorization: fc.oneof(fc.constant(`Bearer ${token}`), fc.constant(undefined), fc.string({ maxLength: 40 }).map((s) => `Bearer ${s.replace(/[^\x21-\x7e]/g, '')}`)),
      range: fc.oneof(fc.constant(undefined), fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')), fc.tuple(fc.nat(200_000), fc.nat(200_000)).map(([a, b]) => `bytes=${a}-${b}`)),
      body: fc.oneof(
        fc.constant(undefined),
        fc.string({ maxLength: 200 }),
        fc.json(),
        fc.constant('{"email":"alice@example.com","password":"correct horse"}'),
        fc.record({ app_id: fc.constantFrom('com.acme.rocket', 'x'), device_id: fc.string(), version_name: fc.string(), channel: fc.string() }).map((o) => JSON.stringify(o)),
      ),
    });
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const headers: Record<string, string> = {};
        if (r.authorization !== undefined) headers['authorization'] = r.authorization;
        if (r.range !== undefined) headers['range'] = r.range;
        const hasBody = r.body !== undefined && r.method !== 'GET' && r.method !== 'HEAD';
        const res = await fetch(`${feed.url}${r.path}`, { method: r.method, headers, ...(hasBody ? { body: r.body } : {}) });
        const text = await res.text();
        expect(res.status).not.toBeGreaterThanOrEqual(500);
        if (res.status >= 400 && r.method !== 'HEAD') {
          expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
          const body = JSON.parse(text) as Record<string, unknown>;
          // Tester routes answer {error}; the Capgo plugin's routes add the message and kind it reads.
          expect(['error', 'message', 'kind']).toEqual(expect.arrayContaining(Object.keys(body)));
          expect(typeof body['error']).toBe('string');
        }
        expect(text).not.toMatch(/\n\s+at |node:internal|\/src\//);
      }),
      { numRuns: 300 },
    );
    expect((await fetch(`${feed.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });

  test.each([
    ['garbage instead of HTTP', 'hello there\r\n\r\n'],
    ['a bad header line', 'GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nbad header\r\n\r\n'],
    ['an oversized header', `GET /api/v1/apps HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
  ])('%s gets a JSON error and the server keeps serving', async (_label, bytes) => {
    const answer = await rawExchange(feed.url, bytes);
    expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    expect(answer).toContain('content-type: application/json');
    expect(answer).toMatch(/\{"error":"[^"]+"\}$/);
    expect((await fetch(`${feed.url}/api/v1/apps`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
  });
});
