import { SignJWT } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { passwordFingerprint, type User } from '../../src/users/users.js';
import { startFeedServer } from '../helpers/feed-server.js';
import { login, makeUser, SECRET, serve } from '../helpers/server.js';

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const key = (secret: string) => new TextEncoder().encode(secret);

function claims(user: User, alg = 'HS256') {
  return new SignJWT({ pwd: passwordFingerprint(user) }).setProtectedHeader({ alg }).setSubject(user.id).setIssuer('updateforge').setAudience('updateforge:tester').setIssuedAt();
}

async function listApps(url: string, authorization: string | undefined) {
  const res = await fetch(`${url}/api/v1/apps`, { headers: authorization === undefined ? {} : { authorization } });
  return { status: res.status, body: (await res.json()) as unknown };
}

describe('tester tokens', () => {
  let url: string;
  let alice: User;
  beforeAll(async () => {
    const feed = await startFeedServer();
    url = feed.url;
    alice = feed.users[0]!;
  });

  test('a token from /auth works', async () => {
    expect((await listApps(url, `Bearer ${await login(url, 'alice@example.com')}`)).status).toBe(200);
    expect((await listApps(url, `bearer   ${await login(url, 'alice@example.com')}`)).status).toBe(200);
  });

  const forged: [string, () => Promise<string>][] = [
    ['no Authorization header', async () => ''],
    ['a token without the Bearer scheme', async () => await claims(alice).setExpirationTime('1h').sign(key(SECRET))],
    ['Basic auth', async () => `Basic ${Buffer.from('alice@example.com:correct horse').toString('base64')}`],
    ['garbage', async () => 'Bearer not.a.token'],
    [
      'alg none',
      async () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: 'alice', pwd: passwordFingerprint(alice), iss: 'updateforge', aud: 'updateforge:tester' })}.`,
    ],
    ['another signing key', async () => `Bearer ${await claims(alice).sign(key('another-secret-that-is-long-enough-000000'))}`],
    [
      'an expired token',
      async () =>
        `Bearer ${await claims(alice)
          .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
          .sign(key(SECRET))}`,
    ],
    ['another audience', async () => `Bearer ${await claims(alice).setAudience('updateforge:device').sign(key(SECRET))}`],
    ['another issuer', async () => `Bearer ${await claims(alice).setIssuer('someone-else').sign(key(SECRET))}`],
    ['HS512 with the right key', async () => `Bearer ${await claims(alice, 'HS512').sign(key(SECRET))}`],
    ['a user that does not exist', async () => `Bearer ${await claims({ ...alice, id: 'mallory' }).sign(key(SECRET))}`],
    ['a stale password fingerprint', async () => `Bearer ${await claims({ ...alice, passwordHash: 'old' }).sign(key(SECRET))}`],
    // One encoding per token (security-findings.md F14): base64url without padding, as issued.
    ['a valid token with padding added', async () => `Bearer ${await claims(alice).setExpirationTime('1h').sign(key(SECRET))}=`],
  ];

  test.each(forged)('401 "unauthorized" for %s', async (_label, make) => {
    const token = await make();
    expect(await listApps(url, token === '' ? undefined : token)).toEqual({ status: 401, body: { error: 'unauthorized' } });
  });
});

describe('token revocation', () => {
  test('a token stops working when its user is removed or changes password', async () => {
    const feed = await startFeedServer();
    const alice = await makeUser('alice', 'alice@example.com', ['acme']);
    const before = await serve({ store: feed.store, users: [alice] });
    const token = await login(before.url, 'alice@example.com');
    expect((await listApps(before.url, `Bearer ${token}`)).status).toBe(200);

    // The same secret, restarted with alice's new password: the old token is refused, a new login works.
    const changed = await serve({ store: feed.store, users: [await makeUser('alice', 'alice@example.com', ['acme'], 'new password')] });
    expect((await listApps(changed.url, `Bearer ${token}`)).status).toBe(401);
    expect((await listApps(changed.url, `Bearer ${await login(changed.url, 'alice@example.com', 'new password')}`)).status).toBe(200);

    const removed = await serve({ store: feed.store, users: [] });
    expect((await listApps(removed.url, `Bearer ${token}`)).status).toBe(401);
  });
});
