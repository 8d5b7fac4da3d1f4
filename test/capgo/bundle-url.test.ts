import { beforeAll, describe, expect, test } from 'vitest';
import { TokenService } from '../../src/server/tokens.js';
import { startLiveFeed } from '../helpers/live-feed.js';
import { SECRET } from '../helpers/server.js';

type Feed = Awaited<ReturnType<typeof startLiveFeed>>;

describe('the bundle URL given to devices', () => {
  let feed: Feed;
  let url: URL;
  let otherId: string;
  beforeAll(async () => {
    feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    otherId = (await feed.publishBundle({ version: '1.1.0-rc.1', buildType: 'debug' })).id;
    url = new URL(String((await feed.check({ app_id: 'com.acme.rocket', device_id: 'd1', version_name: 'builtin' })).json['url']));
  });

  test('is absolute and downloads the bundle without a login, with Range', async () => {
    expect(url.origin).toBe(feed.url.replace('127.0.0.1', url.hostname));
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    const bytes = Buffer.from(await whole.arrayBuffer());
    const part = await fetch(url, { headers: { range: 'bytes=2-9' } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(bytes.subarray(2, 10))).toBe(true);
  });

  test('cannot be used for another version', async () => {
    const other = new URL(url);
    other.pathname = `/api/v1/versions/${otherId}/download`;
    const res = await fetch(other);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'unauthorized' });
  });

  test('expires', async () => {
    const id = url.pathname.split('/')[4]!;
    const expired = await new TokenService(SECRET).issueDownloadToken(id, -10);
    const res = await fetch(`${feed.url}/api/v1/versions/${id}/download?token=${expired}`);
    expect(res.status).toBe(401);
  });

  test('takes no tester token, and no tampered one', async () => {
    const id = url.pathname.split('/')[4]!;
    const token = url.searchParams.get('token')!;
    for (const bad of ['', 'garbage', `${token.slice(0, -2)}xx`]) {
      expect((await fetch(`${feed.url}/api/v1/versions/${id}/download?token=${bad}`)).status).toBe(401);
    }
  });

  test('uses the configured public URL when there is one', async () => {
    const { createServerContext } = await import('../../src/server/create-context.js');
    const { startServer } = await import('../../src/server/node-server.js');
    const { silentLogger } = await import('../../src/util/logger.js');
    const context = createServerContext({ store: feed.store, users: [], jwtSecret: SECRET, log: silentLogger, publicUrl: 'https://updates.example.com/' });
    const server = await startServer({ context });
    try {
      const res = await fetch(`${server.url}/api/v1/updates`, { method: 'POST', body: JSON.stringify({ app_id: 'com.acme.rocket', device_id: 'd2', version_name: 'builtin' }) });
      expect(String(((await res.json()) as Record<string, unknown>)['url'])).toMatch(/^https:\/\/updates\.example\.com\/api\/v1\/versions\/[0-9a-f]+\/download\?token=/);
    } finally {
      await server.close();
    }
  });
});
