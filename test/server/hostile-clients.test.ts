import { connect } from 'node:net';
import { beforeAll, describe, expect, test } from 'vitest';
import { yankVersion } from '../../src/publish/edit-version.js';
import { publish } from '../../src/publish/publish.js';
import { jsonLogger } from '../../src/util/logger.js';
import { bytes, startFeedServer } from '../helpers/feed-server.js';
import { writeBuild } from '../helpers/fixtures.js';
import { webBuild } from '../helpers/live-feed.js';
import { login } from '../helpers/server.js';

/**
 * What an outsider can do with a socket (security-findings.md F7–F10): every answer is
 * the documented JSON, nothing they send raises an error-level log, and nothing is
 * written into a response already under way.
 */

type Feed = Awaited<ReturnType<typeof startFeedServer>>;

/** Sends `bytes` on a raw connection (keeping it open `holdMs` before closing our side) and returns all it answered. */
function raw(url: string, chunks: readonly (string | { waitMs: number })[], options: { destroyAfter?: boolean } = {}): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const send = async (): Promise<void> => {
      for (const chunk of chunks) {
        if (typeof chunk === 'string') socket.write(chunk);
        else await new Promise((r) => setTimeout(r, chunk.waitMs));
      }
      if (options.destroyAfter) socket.destroy();
    };
    const socket = connect(Number(port), hostname, () => {
      send().catch(reject);
    });
    let answer = '';
    socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => (options.destroyAfter ? resolve(answer) : reject(error)));
  });
}

describe('hostile clients', () => {
  let feed: Feed;
  const lines: string[] = [];
  const errors = () => lines.filter((l) => l.includes('"level":"error"'));
  beforeAll(async () => {
    feed = await startFeedServer({ log: jsonLogger((l) => lines.push(l)) });
  });

  test.each(['127.0.0.1:99999', '127.0.0.1:65536', '[::1]:99999'])('a Host of %s is a 400, not a 500, and logs no error', async (host) => {
    lines.length = 0;
    const answer = await raw(feed.url, [`GET /api/v1/apps HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`]);
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
    expect(answer).toContain('{"error":"bad request"}');
    expect(errors()).toEqual([]);
  });

  test('a client that hangs up mid-body raises no error-level log', async () => {
    lines.length = 0;
    await raw(feed.url, ['POST /api/v1/auth HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"email":"a', { waitMs: 200 }], {
      destroyAfter: true,
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(errors()).toEqual([]);
  });

  test('garbage sent while a download is under way ends the connection but is never written into the download', async () => {
    const big = bytes(20 * 1024 * 1024, 9);
    const version = (
      await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'profile', version: '1.0.0', path: await writeBuild(big, 'big.apk') } })
    ).version;
    const token = await login(feed.url, 'alice@example.com');
    const { hostname, port } = new URL(feed.url);
    const received: Buffer[] = [];
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(`GET /api/v1/versions/${version.id}/download HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`),
      );
      socket.once('data', (first: Buffer) => {
        received.push(first);
        // Stop reading, so the download is still being written when the garbage arrives.
        socket.pause();
        socket.write('GARBAGE / HTTP/1.1\r\n\r\n');
        setTimeout(() => {
          socket.on('data', (d: Buffer) => received.push(d));
          socket.resume();
        }, 300);
      });
      socket.on('close', () => resolve());
      socket.on('error', () => resolve());
    });
    const answer = Buffer.concat(received);
    const start = answer.indexOf('\r\n\r\n') + 4;
    const body = answer.subarray(start);
    expect(answer.subarray(0, 16).toString('latin1')).toMatch(/^HTTP\/1\.1 200 /);
    expect(body.includes('HTTP/1.1 400')).toBe(false);
    expect(body.equals(big.subarray(0, body.length))).toBe(true);
  });

  test('once a bundle is yanked, no download serves it: neither a device link handed out before nor a tester by id', async () => {
    const bundle = (
      await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: await webBuild('to be withdrawn') } })
    ).version;
    const check = await fetch(`${feed.url}/api/v1/updates`, {
      method: 'POST',
      body: JSON.stringify({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '8.51.14', platform: 'android', defaultChannel: '' }),
    });
    const link = String(((await check.json()) as Record<string, unknown>)['url']);
    const token = await login(feed.url, 'alice@example.com');
    const byId = `${feed.url}/api/v1/versions/${bundle.id}/download`;
    expect((await fetch(link)).status).toBe(200);
    expect((await fetch(byId, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);

    await yankVersion({ store: feed.store, config: feed.config, app: 'rocket', buildType: 'release', version: '2.0.0' });
    for (const res of [await fetch(link), await fetch(byId, { headers: { authorization: `Bearer ${token}` } })]) {
      expect({ status: res.status, json: await res.json() }).toEqual({ status: 404, json: { error: 'version not found' } });
    }
  });
});

describe('a request that never finishes', () => {
  test('is answered 408, not 400', async () => {
    const { startServer } = await import('../../src/server/node-server.js');
    const { createServerContext } = await import('../../src/server/create-context.js');
    const { LocalStore } = await import('../../src/store/local/store.js');
    const { tempDir } = await import('../helpers/fixtures.js');
    const store = await LocalStore.openOrCreate(`${await tempDir()}/store`);
    const context = createServerContext({ store, users: [], jwtSecret: 'x'.repeat(40), log: jsonLogger(() => {}) });
    const server = await startServer({ context, requestTimeoutMs: 300 });
    try {
      const answer = await raw(server.url, ['POST /api/v1/auth HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{', { waitMs: 1500 }], { destroyAfter: true });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(answer).toContain('{"error":"request timeout"}');
    } finally {
      await server.close();
    }
  });
});

describe('requests Node would answer without the JSON error shape', () => {
  test.each([
    ['an HTTP/1.1 request without Host', 'GET /api/v1/apps HTTP/1.1\r\n\r\n', 400, 'bad request'],
    ['CONNECT', 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n', 405, 'method not allowed'],
    ['an Expect the server does not know', 'POST /api/v1/auth HTTP/1.1\r\nHost: x\r\nExpect: nonsense\r\nContent-Length: 2\r\n\r\n{}', 417, 'expectation failed'],
  ])('%s gets a JSON error, and the server goes on serving', async (_label, request, status, error) => {
    const feed = await startFeedServer();
    const answer = await raw(feed.url, [request]);
    expect(answer).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
    expect(answer).toMatch(/content-type: application\/json; charset=utf-8/i);
    expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toBe(JSON.stringify({ error }));
    expect((await fetch(`${feed.url}/api/v1/auth`, { method: 'POST', body: '{}' })).status).toBe(400);
  });
});
