import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, test } from 'vitest';
import { backends, startFeedServer } from '../helpers/feed-server.js';
import { useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();
import { login } from '../helpers/server.js';

type Feed = Awaited<ReturnType<typeof startFeedServer>>;

describe.each(backends(github))('GET /api/v1/versions/{id}/download (%s)', (_name, backend) => {
  let feed: Feed;
  let alice: string;
  let bob: string;
  let path: string;
  let size: number;
  let etag: string;

  beforeAll(async () => {
    feed = await startFeedServer({ backend: backend() });
    alice = `Bearer ${await login(feed.url, 'alice@example.com')}`;
    bob = `Bearer ${await login(feed.url, 'bob@example.com')}`;
    path = `/api/v1/versions/${feed.versions.rocket110.id}/download`;
    size = feed.rocketBytes.length;
    etag = `"${createHash('sha256').update(feed.rocketBytes).digest('hex')}"`;
  });

  const get = (headers: Record<string, string>, target = path) => fetch(`${feed.url}${target}`, { headers: { authorization: alice, ...headers } });

  test('streams the whole file with the documented headers', async () => {
    const res = await get({});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    // The original name, non-ASCII included (RFC 6266 / 8187), with an ASCII fallback.
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="Rocket _ cafe 1.1.0.apk"; filename*=UTF-8''Rocket%20%E2%80%93%20caf%C3%A9%201.1.0.apk`);
    expect(res.headers.get('content-length')).toBe(String(size));
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('etag')).toBe(etag);
    expect(Buffer.from(await res.arrayBuffer()).equals(feed.rocketBytes)).toBe(true);
  });

  test.each([
    ['bytes=0-9', 0, 9],
    ['bytes=100-199', 100, 199],
    ['bytes=99990-', 99990, 99999],
    ['bytes=-10', 99990, 99999],
    ['bytes=0-', 0, 99999],
    ['bytes=99999-99999', 99999, 99999],
    ['bytes=90000-200000', 90000, 99999],
    ['bytes=-200000', 0, 99999],
  ])('206 for %s', async (range, start, end) => {
    const res = await get({ range });
    expect(res.status).toBe(206);
    expect(res.statusText).toBe('Partial Content');
    expect(res.headers.get('content-range')).toBe(`bytes ${start}-${end}/${size}`);
    expect(res.headers.get('content-length')).toBe(String(end - start + 1));
    expect(Buffer.from(await res.arrayBuffer()).equals(feed.rocketBytes.subarray(start, end + 1))).toBe(true);
  });

  test.each(['bytes=100000-', 'bytes=200000-300000', 'bytes=-0'])('416 for %s', async (range) => {
    const res = await get({ range });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${size}`);
    expect(await res.json()).toEqual({ error: 'range not satisfiable' });
  });

  test.each(['bytes=0-1,5-6', 'bytes=abc', 'lines=0-5', 'bytes='])('the whole file for a Range it does not serve: %s', async (range) => {
    const res = await get({ range });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size));
    await res.arrayBuffer();
  });

  test('If-Range with the current ETag resumes; with an old ETag or a date it restarts', async () => {
    expect((await get({ range: 'bytes=10-', 'if-range': etag })).status).toBe(206);
    const stale = await get({ range: 'bytes=10-', 'if-range': '"0000"' });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(size);
    const dated = await get({ range: 'bytes=10-', 'if-range': new Date().toUTCString() });
    expect(dated.status).toBe(200);
    await dated.arrayBuffer();
  });

  test('an interrupted download resumes to the exact file', async () => {
    // Read a first part over a raw socket and drop the connection, as a phone losing its network would.
    const partial = await new Promise<Buffer>((resolve, reject) => {
      const req = httpRequest(`${feed.url}${path}`, { headers: { authorization: alice } }, (res) => {
        const chunks: Buffer[] = [];
        let got = 0;
        res.on('data', (chunk: Buffer) => {
          chunks.push(chunk);
          got += chunk.length;
          if (got >= 30_000) {
            req.destroy();
            resolve(Buffer.concat(chunks));
          }
        });
        res.on('error', () => {});
      });
      req.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' ? undefined : reject(e)));
      req.end();
    });
    const rest = await get({ range: `bytes=${partial.length}-`, 'if-range': etag });
    expect(rest.status).toBe(206);
    const whole = Buffer.concat([partial, Buffer.from(await rest.arrayBuffer())]);
    expect(createHash('sha256').update(whole).digest('hex')).toBe(etag.slice(1, -1));
  });

  test('HEAD answers the headers without the body', async () => {
    const res = await fetch(`${feed.url}${path}`, { method: 'HEAD', headers: { authorization: alice } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-length')).toBe(String(size));
    expect((await res.arrayBuffer()).byteLength).toBe(0);
  });

  describe('checks, in the documented order', () => {
    test('401 before anything else, even for an unknown version', async () => {
      const res = await fetch(`${feed.url}/api/v1/versions/nope/download`);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'unauthorized' });
    });

    test('404 "version not found" for an unknown id, whoever asks', async () => {
      for (const authorization of [alice, bob]) {
        const res = await fetch(`${feed.url}/api/v1/versions/nope/download`, { headers: { authorization } });
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: 'version not found' });
      }
    });

    test('403 "forbidden" for a version of another team, file or not', async () => {
      for (const version of [feed.versions.rocket110, feed.versions.rocket120]) {
        const res = await fetch(`${feed.url}/api/v1/versions/${version.id}/download`, { headers: { authorization: bob } });
        expect(res.status).toBe(403);
        expect(await res.json()).toEqual({ error: 'forbidden' });
      }
    });

    test('404 "no file attached" for a pending version of the user’s team', async () => {
      const res = await get({}, `/api/v1/versions/${feed.versions.rocket120.id}/download`);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: 'no file attached' });
    });
  });
});
