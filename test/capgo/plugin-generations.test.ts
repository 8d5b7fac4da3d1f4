import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, test } from 'vitest';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { LocalStore } from '../../src/store/local-store.js';
import { readAll } from '../store/store-contract.js';
import { PLUGINS, type Decoded, type PluginModel } from '../helpers/capgo-plugins.js';
import { startLiveFeed } from '../helpers/live-feed.js';

type Feed = Awaited<ReturnType<typeof startLiveFeed>>;

/** The bytes stored for a version. */
async function storedBytes(feed: Feed, version: VersionRecord): Promise<Buffer> {
  return Buffer.from(await new Response(await feed.store.openAsset(version.file!.assetId)).arrayBuffer());
}

async function poll(feed: Feed, plugin: PluginModel, device: { deviceId: string; versionName: string; appId: string; versionBuild?: string }): Promise<Decoded> {
  const { status, json } = await feed.check(plugin.request({ versionBuild: '1.0.0', ...device }));
  expect(status).toBe(200);
  return plugin.decode(json);
}

describe.each(PLUGINS.map((p) => [p.label, p] as const))('capacitor-updater %s', (_label, plugin) => {
  let feed: Feed;
  let plain: VersionRecord;
  let encrypted: VersionRecord;
  let plainBytes: Buffer;

  beforeAll(async () => {
    feed = await startLiveFeed();
    plain = await feed.publishBundle({ version: '1.0.0' });
    encrypted = await feed.publishBundle({ app: 'anvil', version: '2.0.0', encrypt: true, text: 'secret build' });
    plainBytes = await storedBytes(feed, plain);
  });

  test('is offered the bundle, downloads it without a login and verifies it', async () => {
    const decoded = await poll(feed, plugin, { deviceId: `dev-${plugin.label}`, versionName: 'builtin', appId: 'com.acme.rocket' });
    if (decoded.action !== 'download') throw new Error(`expected a download, got ${JSON.stringify(decoded)}`);
    expect(decoded.version).toBe('1.0.0');
    const res = await fetch(decoded.url);
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(plugin.verify(bytes, decoded, '').equals(plainBytes)).toBe(true);
  });

  test('stops cleanly when it is up to date', async () => {
    const decoded = await poll(feed, plugin, { deviceId: `dev-${plugin.label}`, versionName: '1.0.0', appId: 'com.acme.rocket' });
    expect(decoded.action).toBe('stop');
  });

  test('stops cleanly for an app the feed does not have', async () => {
    expect((await poll(feed, plugin, { deviceId: 'd', versionName: 'builtin', appId: 'com.unknown.app' })).action).toBe('stop');
  });

  test(plugin.decrypts ? 'decrypts an encrypted bundle with the public key and verifies its checksum' : 'is told to update the app instead of getting a bundle it cannot decrypt', async () => {
    const decoded = await poll(feed, plugin, { deviceId: `enc-${plugin.label}`, versionName: 'builtin', appId: 'com.acme.anvil' });
    if (!plugin.decrypts) {
      expect(decoded).toMatchObject({ action: 'stop' });
      return;
    }
    if (decoded.action !== 'download') throw new Error(`expected a download, got ${JSON.stringify(decoded)}`);
    expect(decoded.sessionKey).not.toBe('');
    const bytes = Buffer.from(await (await fetch(decoded.url)).arrayBuffer());
    const zip = plugin.verify(bytes, decoded, feed.keys.publicKey);
    expect(zip.subarray(0, 2).toString()).toBe('PK');
    expect(zip.toString('latin1')).toContain('index.html');
    // And a tampered checksum is caught the way the plugin catches it.
    const tampered = `${decoded.checksum.slice(0, 10)}${decoded.checksum[10] === '0' ? '1' : '0'}${decoded.checksum.slice(11)}`;
    expect(() => plugin.verify(bytes, { ...decoded, checksum: tampered }, feed.keys.publicKey)).toThrow();
  });
});

describe('no answer carries a message key beside an update', () => {
  test('an update answer has exactly version, url, checksum (and session_key when encrypted)', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    await feed.publishBundle({ app: 'anvil', version: '1.0.0', encrypt: true });
    const base = { device_id: 'd', version_name: 'builtin', plugin_version: '8.51.14', platform: 'android' };
    expect(Object.keys((await feed.check({ ...base, app_id: 'com.acme.rocket' })).json).sort()).toEqual(['checksum', 'url', 'version']);
    expect(Object.keys((await feed.check({ ...base, app_id: 'com.acme.anvil' })).json).sort()).toEqual(['checksum', 'session_key', 'url', 'version']);
    const none = (await feed.check({ ...base, app_id: 'com.acme.rocket', version_name: '1.0.0' })).json;
    expect(none).toEqual({ error: 'no_new_version_available', kind: 'up_to_date', message: "1.0.0 is the latest version on channel 'release'." });
  });

  test('the private key is nowhere in the store', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0', encrypt: true });
    const keyBody = feed.keys.privateKey.split('\n').slice(1, -2).join('');
    const files = await (await import('../helpers/fixtures.js')).snapshotTree((feed.store as LocalStore).location);
    for (const file of Object.keys(files)) {
      const text = await readFile(`${(feed.store as LocalStore).location}/${file}`, 'latin1');
      expect(text).not.toContain(keyBody.slice(0, 40));
      expect(text).not.toContain('PRIVATE KEY');
    }
    expect(await readAll(await feed.store.openAsset((await feed.store.listReleases())[0]!.assets[0]!.id))).not.toContain('<h1>');
  });
});
