import { request as httpRequest } from 'node:http';
import { beforeAll, describe, expect, test } from 'vitest';
import { PNG } from '../helpers/fixtures.js';
import { backends, startFeedServer } from '../helpers/feed-server.js';
import { useFakeGitHub } from '../helpers/github.js';

const github = useFakeGitHub();

/** Sends a path exactly as written (fetch would normalise `..` and `%2e` away before sending). */
function rawGet(base: string, rawPath: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest({ host: url.hostname, port: url.port, path: rawPath, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString('latin1')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe.each(backends(github))('GET /api/files/apps/{app}/{file} (%s)', (_name, backend) => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await startFeedServer({ backend: backend() }));
  });

  test('serves the icon publicly, with caching headers', async () => {
    const res = await fetch(`${url}/api/files/apps/rocket/rocket.png`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${url}/api/files/apps/rocket/rocket.png`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  test.each([
    '/api/files/apps/rocket/other.png',
    '/api/files/apps/anvil/rocket.png',
    '/api/files/apps/ghost/rocket.png',
    '/api/files/apps/rocket/..%2f..%2fmanifest.json',
    '/api/files/apps/rocket/%2e%2e%2fmanifest.json',
    '/api/files/apps/rocket/..%5c..%5cmanifest.json',
    '/api/files/apps/rocket/%2Fetc%2Fpasswd',
    '/api/files/apps/rocket/rocket.png%00.txt',
    '/api/files/apps/..%2f..%2f..%2fupdateforge-store.json/x',
    '/api/files/apps/rocket/%E0%A4%A',
  ])('404 JSON for %s', async (path) => {
    const res = await rawGet(url, path);
    expect(res.status).toBe(404);
    expect(res.type).toBe('application/json; charset=utf-8');
    expect(JSON.parse(res.body)).toHaveProperty('error');
  });

  test.each(['/api/files/apps/rocket/../../v1/apps', '/api/files/apps/rocket/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd', '//etc/passwd', '/api/files/apps/rocket//rocket.png'])(
    'dot segments never reach a file outside the icons: %s',
    async (path) => {
      const res = await rawGet(url, path);
      expect(res.body).not.toContain('root:');
      expect(res.body).not.toContain('schemaVersion');
      expect([401, 404]).toContain(res.status);
    },
  );
});
