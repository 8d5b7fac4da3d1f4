import { afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { yankVersion } from '../../src/publish/edit-version.js';
import { publish } from '../../src/publish/publish.js';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { TokenService } from '../../src/server/tokens.js';
import { backends, bytes, startFeedServer } from '../helpers/feed-server.js';
import { writeBuild } from '../helpers/fixtures.js';
import { useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';
import { parsePlist } from '../helpers/plist.js';
import { login, SECRET } from '../helpers/server.js';

const github = useFakeGitHub();

type Feed = Awaited<ReturnType<typeof startFeedServer>>;
interface Link {
  url: string;
  expiresAt: string;
  fileName: string;
  size: number;
  platform: string;
  manifestUrl?: string;
}

const TOKEN = '[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+';
const claimsOf = (url: string) =>
  JSON.parse(Buffer.from(new URL(url).searchParams.get('token')!.split('.')[1]!, 'base64url').toString()) as { sub: string; iat: number; exp: number };

function postLink(base: string, id: string, authorization: string | null): Promise<Response> {
  return fetch(`${base}/api/v1/versions/${encodeURIComponent(id)}/link`, { method: 'POST', headers: authorization === null ? {} : { authorization } });
}

async function link200(base: string, id: string, authorization: string): Promise<Link> {
  const res = await postLink(base, id, authorization);
  expect(res.status).toBe(200);
  return (await res.json()) as Link;
}

describe.each(backends(github))('install links for the tester page (%s)', (_name, backend) => {
  let feed: Feed;
  let alice: string;
  let bob: string;
  let ipa: VersionRecord;
  let ipaBytes: Buffer;
  let yanked: VersionRecord;

  beforeAll(async () => {
    feed = await startFeedServer({ backend: backend() });
    ipaBytes = bytes(3000, 9);
    // An iOS build and a yanked one, published through the same pipeline as the CLI.
    const put = async (version: string, file: Buffer, name: string) =>
      (await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'debug', version, path: await writeBuild(file, name) } })).version;
    ipa = await put('2.0.0', ipaBytes, 'Rocket 2.ipa');
    // Only live-update bundles can be yanked.
    yanked = (await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'debug', version: '2.1.0', path: await webBuild('yanked') } })).version;
    await yankVersion({ store: feed.store, config: feed.config, app: 'rocket', buildType: 'debug', version: '2.1.0' });
    alice = `Bearer ${await login(feed.url, 'alice@example.com')}`;
    bob = `Bearer ${await login(feed.url, 'bob@example.com')}`;
  });

  const linkFor = (id: string, authorization: string | null = alice) => postLink(feed.url, id, authorization);
  const goodLink = (id: string) => link200(feed.url, id, alice);

  test('an APK link: the documented shape, scoped to that version, valid for ten minutes', async () => {
    const id = feed.versions.rocket110.id;
    const before = Math.floor(Date.now() / 1000);
    const link = await goodLink(id);
    expect(link).toEqual({
      url: expect.stringMatching(new RegExp(`^${feed.url}/api/v1/versions/${id}/download\\?token=${TOKEN}$`)),
      expiresAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      fileName: 'Rocket – café 1.1.0.apk',
      size: feed.rocketBytes.length,
      platform: 'android',
    });
    const claims = claimsOf(link.url);
    expect(claims.sub).toBe(id);
    expect(claims.exp - claims.iat).toBe(600);
    expect(claims.exp).toBeGreaterThanOrEqual(before + 600);
    expect(Date.parse(link.expiresAt)).toBe(claims.exp * 1000);
  });

  test('the link downloads with no login, as an APK a phone offers to install; the Bearer download stays octet-stream', async () => {
    const link = await goodLink(feed.versions.rocket110.id);
    const viaLink = await fetch(link.url);
    expect(viaLink.status).toBe(200);
    expect(viaLink.headers.get('content-type')).toBe('application/vnd.android.package-archive');
    expect(viaLink.headers.get('content-disposition')).toContain('filename*=UTF-8');
    expect(Buffer.from(await viaLink.arrayBuffer()).equals(feed.rocketBytes)).toBe(true);

    const viaBearer = await fetch(`${feed.url}/api/v1/versions/${feed.versions.rocket110.id}/download`, { headers: { authorization: alice } });
    expect(viaBearer.headers.get('content-type')).toBe('application/octet-stream');
    await viaBearer.arrayBuffer();
  });

  test('a link for one version downloads no other', async () => {
    const link = await goodLink(feed.versions.rocket100.id);
    const token = new URL(link.url).searchParams.get('token');
    for (const other of [feed.versions.rocket110.id, feed.versions.rocketDebug.id, ipa.id]) {
      const res = await fetch(`${feed.url}/api/v1/versions/${other}/download?token=${token}`);
      expect({ other, status: res.status, body: await res.json() }).toEqual({ other, status: 401, body: { error: 'unauthorized' } });
    }
    const manifest = await fetch(`${feed.url}/api/v1/versions/${ipa.id}/manifest.plist?token=${token}`);
    expect({ status: manifest.status, body: await manifest.json() }).toEqual({ status: 401, body: { error: 'unauthorized' } });
  });

  test('the download route’s checks, in its order: 401 → 404 version not found → 403 forbidden → 404 no file attached', async () => {
    const cases: [string, string | null, number, string][] = [
      [feed.versions.rocket110.id, null, 401, 'unauthorized'],
      [feed.versions.rocket110.id, 'Bearer nope.nope.nope', 401, 'unauthorized'],
      ['no-such-version', null, 401, 'unauthorized'],
      ['no-such-version', alice, 404, 'version not found'],
      [yanked.id, alice, 404, 'version not found'],
      ['no-such-version', bob, 404, 'version not found'],
      [feed.versions.rocket110.id, bob, 403, 'forbidden'],
      [feed.versions.rocket120.id, bob, 403, 'forbidden'],
      [feed.versions.rocket120.id, alice, 404, 'no file attached'],
    ];
    for (const [id, authorization, status, error] of cases) {
      const res = await linkFor(id, authorization);
      expect({ id, status: res.status, body: await res.json() }).toEqual({ id, status, body: { error } });
    }
    expect((await linkFor(feed.versions.gadget.id, bob)).status).toBe(200);
  });

  test('only POST: GET is a 405 naming POST', async () => {
    const res = await fetch(`${feed.url}/api/v1/versions/${feed.versions.rocket110.id}/link`, { headers: { authorization: alice } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST, OPTIONS');
    await res.arrayBuffer();
  });

  test('an iOS link comes with a manifest URL; the manifest is Apple’s OTA plist pointing at a fresh link to the .ipa', async () => {
    const link = await goodLink(ipa.id);
    expect(link).toMatchObject({ fileName: 'Rocket 2.ipa', size: ipaBytes.length, platform: 'ios' });
    expect(link.manifestUrl).toMatch(new RegExp(`^${feed.url}/api/v1/versions/${ipa.id}/manifest\\.plist\\?token=${TOKEN}$`));

    const res = await fetch(link.manifestUrl!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/xml; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const plist = parsePlist(await res.text());
    expect(plist).toEqual({
      items: [
        {
          assets: [{ kind: 'software-package', url: expect.stringMatching(new RegExp(`^${feed.url}/api/v1/versions/${ipa.id}/download\\?token=${TOKEN}$`)) }],
          metadata: { 'bundle-identifier': 'com.acme.rocket', 'bundle-version': '2.0.0', kind: 'software', title: 'Rocket' },
        },
      ],
    });
    const ipaUrl = (plist as { items: { assets: { url: string }[] }[] }).items[0]!.assets[0]!.url;
    expect(claimsOf(ipaUrl).exp - claimsOf(ipaUrl).iat).toBe(600);
    const download = await fetch(ipaUrl);
    expect(download.status).toBe(200);
    // Only APKs change type: iOS installs from the manifest, whatever the .ipa is labelled.
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await download.arrayBuffer()).equals(ipaBytes)).toBe(true);
  });

  test('the manifest needs the version’s own valid token, a version there and an .ipa', async () => {
    const service = new TokenService(SECRET);
    const manifest = (id: string, token: string | null) => fetch(`${feed.url}/api/v1/versions/${encodeURIComponent(id)}/manifest.plist${token === null ? '' : `?token=${token}`}`);
    const cases: [string, string | null, number, string][] = [
      [ipa.id, null, 401, 'unauthorized'],
      [ipa.id, 'garbage', 401, 'unauthorized'],
      [ipa.id, await service.issueDownloadToken(ipa.id, -10), 401, 'unauthorized'],
      [ipa.id, alice.slice('Bearer '.length), 401, 'unauthorized'],
      ['no-such-version', await service.issueDownloadToken('no-such-version'), 404, 'version not found'],
      [yanked.id, await service.issueDownloadToken(yanked.id), 404, 'version not found'],
      [feed.versions.rocket120.id, await service.issueDownloadToken(feed.versions.rocket120.id), 404, 'no file attached'],
      [feed.versions.rocket110.id, await service.issueDownloadToken(feed.versions.rocket110.id), 404, 'no file attached'],
    ];
    for (const [id, token, status, error] of cases) {
      const res = await manifest(id, token);
      expect({ id, status: res.status, body: await res.json() }).toEqual({ id, status, body: { error } });
    }
    // A Bearer token is no way in: iOS sends none, and the page must not hand one out.
    const bearer = await fetch(`${feed.url}/api/v1/versions/${ipa.id}/manifest.plist`, { headers: { authorization: alice } });
    expect(bearer.status).toBe(401);
    await bearer.arrayBuffer();
  });
});

describe('install links, on their own feed', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  test('start at the same base as the device bundle links', async () => {
    const feed = await startFeedServer({ publicUrl: 'https://updates.example.com/forge/' });
    const link = await link200(feed.url, feed.versions.rocket110.id, `Bearer ${await login(feed.url, 'alice@example.com')}`);
    expect(link.url.startsWith(`https://updates.example.com/forge/api/v1/versions/${feed.versions.rocket110.id}/download?token=`)).toBe(true);
  });

  test('a link stops working once it expires', async () => {
    const feed = await startFeedServer();
    const link = await link200(feed.url, feed.versions.rocket100.id, `Bearer ${await login(feed.url, 'alice@example.com')}`);
    // Only Date is faked: the server's clock (and jose's) moves on, its sockets and timers do not.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + 9 * 60_000 });
    const stillValid = await fetch(link.url);
    expect(stillValid.status).toBe(200);
    await stillValid.arrayBuffer();
    vi.setSystemTime(Date.parse(link.expiresAt) + 1000);
    const expired = await fetch(link.url);
    expect({ status: expired.status, body: await expired.json() }).toEqual({ status: 401, body: { error: 'unauthorized' } });
  });
});
