import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, test } from 'vitest';
import { keyIdOf } from '../../src/capgo/bundle-encryption.js';
import { decideUpdate } from '../../src/capgo/decide-update.js';
import { indexManifest } from '../../src/feed/feed-snapshot.js';
import { setRollout, yankVersion } from '../../src/publish/edit-version.js';
import { publish } from '../../src/publish/publish.js';
import { readManifest } from '../helpers/feed.js';
import { writeBuild } from '../helpers/fixtures.js';
import { LIVE_CONFIG, startLiveFeed } from '../helpers/live-feed.js';
import { createPublicKey } from 'node:crypto';

const device = (over: Record<string, unknown> = {}) => ({
  app_id: 'com.acme.rocket',
  device_id: randomUUID(),
  version_name: 'builtin',
  version_build: '1.0.0',
  plugin_version: '8.51.14',
  platform: 'android',
  ...over,
});

describe('POST /api/v1/updates', () => {
  test('a staged rollout offers the percentage asked, stably; devices left out get the previous bundle', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    await feed.publishBundle({ version: '2.0.0', rollout: 30 });

    // The decision over 10,000 devices, straight from the manifest the server reads.
    const snapshot = indexManifest((await readManifest(feed.store))!);
    const ids = Array.from({ length: 10_000 }, () => randomUUID());
    const offered = ids.filter((id) => {
      const decision = decideUpdate({ info: device({ device_id: id }) as never }, snapshot);
      return decision.kind === 'update' && decision.version.version === '2.0.0';
    });
    expect(Math.abs((offered.length / ids.length) * 100 - 30)).toBeLessThanOrEqual(2);

    // And over HTTP: the same devices get the same answer at every poll.
    const sample = ids.slice(0, 200);
    const first = await Promise.all(sample.map(async (id) => (await feed.check(device({ device_id: id }))).json['version']));
    const second = await Promise.all(sample.map(async (id) => (await feed.check(device({ device_id: id }))).json['version']));
    expect(second).toEqual(first);
    expect(new Set(first)).toEqual(new Set(['1.0.0', '2.0.0']));
    for (const [i, id] of sample.entries()) expect(first[i]).toBe(offered.includes(id) ? '2.0.0' : '1.0.0');

    // Raising the rollout brings everybody along.
    await setRollout({ store: feed.store, config: feed.config, app: 'rocket', buildType: 'release', version: '2.0.0', percent: 100 });
    for (const id of sample.slice(0, 20)) expect((await feed.check(device({ device_id: id }))).json['version']).toBe('2.0.0');
  });

  test('yank withdraws a bundle: its devices roll back to the previous one, and with none left, to the builtin assets', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    await feed.publishBundle({ version: '2.0.0' });
    const edit = { store: feed.store, config: feed.config, app: 'rocket', buildType: 'release', version: '2.0.0' };
    expect((await feed.check(device({ version_name: '2.0.0' }))).json).toMatchObject({ error: 'no_new_version_available', kind: 'up_to_date' });

    await yankVersion(edit);
    expect((await feed.check(device({ version_name: '2.0.0' }))).json['version']).toBe('1.0.0');
    expect((await feed.check(device())).json['version']).toBe('1.0.0');
    await expect(setRollout({ ...edit, percent: 50 })).rejects.toThrow(/was yanked/);

    await yankVersion({ ...edit, version: '1.0.0' });
    expect((await feed.check(device({ version_name: '1.0.0' }))).json).toEqual({ version: 'builtin' });
    // Plugins that do not understand a reset (before 6.2.0 / 5.10 / 7.0.2) are told why, never sent "builtin" (6.1.32:A/CapacitorUpdaterPlugin.java:1151-1162).
    for (const plugin_version of ['5.9.5', '6.1.32', '7.0.1']) {
      expect((await feed.check(device({ version_name: '1.0.0', plugin_version }))).json).toMatchObject({
        error: 'reset_unsupported',
        kind: 'blocked',
        message: expect.stringContaining('6.2.0'),
      });
    }
    expect((await feed.check(device())).json).toMatchObject({ error: 'no_bundle', kind: 'up_to_date' });
  });

  test('a bundle that needs newer native code is not offered to older apps; they are told to update from the store', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    await feed.publishBundle({ version: '2.0.0', minNativeVersion: '2.0' });
    expect((await feed.check(device({ version_build: '2.1.0' }))).json['version']).toBe('2.0.0');
    // An older app still gets the newest bundle it can run...
    expect((await feed.check(device({ version_build: '1.9.0' }))).json['version']).toBe('1.0.0');
    // ...and once it has it, hears about the store update.
    const blocked = (await feed.check(device({ version_build: '1.9.0', version_name: '1.0.0' }))).json;
    // Capgo's own code: what Android 8.46+ and iOS 8.46.2+ raise breakingAvailable/majorAvailable on (8.51.14:A/CapacitorUpdaterPlugin.java:321-333).
    expect(blocked).toEqual({
      error: 'disable_auto_update_to_major',
      kind: 'blocked',
      message: "Bundle 2.0.0 on channel 'release' needs native version 2.0.0 or later; update the app from the store.",
      version: '2.0.0',
      major: true,
      breaking: true,
    });
    expect((await feed.check(device({ version_build: 'unknown', version_name: '1.0.0' }))).json['error']).toBe('disable_auto_update_to_major');
  });

  test('an app binary is never offered as a live update', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'release', version: '9.0.0', path: await writeBuild('apk', 'rocket.apk') } });
    expect((await feed.check(device())).json['version']).toBe('1.0.0');
  });

  test("a device may name a channel of its app's default build type or one open to devices (allowSelfSet); any other name is refused", async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' });
    await feed.publishBundle({ version: '1.1.0-beta.1', buildType: 'debug' });
    await feed.publishBundle({ app: 'anvil', version: '3.0.0' });
    expect((await feed.check(device({ defaultChannel: 'beta' }))).json['version']).toBe('1.1.0-beta.1');
    expect((await feed.check(device({ defaultChannel: '' }))).json['version']).toBe('1.0.0');
    expect((await feed.check(device({ defaultChannel: 'release' }))).json['version']).toBe('1.0.0');
    expect((await feed.check(device({ app_id: 'com.acme.anvil' }))).json['version']).toBe('3.0.0');
    expect((await feed.check(device({ app_id: 'com.acme.anvil', defaultChannel: 'production' }))).json['version']).toBe('3.0.0');
    // The debug build type holds the same bundle as beta, but only beta is open to devices.
    expect((await feed.check(device({ defaultChannel: 'debug' }))).json).toEqual({
      error: 'channel_not_allowed',
      kind: 'failed',
      message: `Channel 'debug' is not open to devices: mark it "allowSelfSet": true in updateforge.json, or use 'release', 'production', 'beta'.`,
    });
    // 'production' serves release, rocket's default build type: another name for the same bundles.
    expect((await feed.check(device({ defaultChannel: 'production' }))).json['version']).toBe('1.0.0');
    expect((await feed.check(device({ app_id: 'com.acme.anvil', defaultChannel: 'beta' }))).json).toMatchObject({ error: 'no_bundle' });
    expect((await feed.check(device({ app_id: 'com.acme.anvil', defaultChannel: 'profile' }))).json).toMatchObject({ error: 'channel_not_allowed', kind: 'failed' });
    expect((await feed.check(device({ defaultChannel: 'no-such-channel' }))).json).toMatchObject({ error: 'channel_not_found', kind: 'failed' });
  });

  test('iOS plugins that accept only "" once a key is set get "" unless the app declares it has no key; then the real checksum', async () => {
    const undeclared = await startLiveFeed();
    const plain = await undeclared.publishBundle({ version: '1.0.0' });
    const ios702 = device({ plugin_version: '7.0.2', platform: 'ios', defaultChannel: '' });
    expect((await undeclared.check(ios702)).json['checksum']).toBe('');
    const declared = await startLiveFeed({ config: { ...LIVE_CONFIG, apps: LIVE_CONFIG.apps.map((a) => ({ ...a, encryptedBundles: false })) } });
    const again = await declared.publishBundle({ version: '1.0.0' });
    expect((await declared.check(ios702)).json['checksum']).toBe(again.file!.sha256);
    expect(plain.file!.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  test('nothing keeps a device on a withdrawn bundle, and a device is told about a newer bundle it cannot take, never an older one', async () => {
    const feed = await startLiveFeed();
    const keyId = keyIdOf(createPublicKey(feed.keys.publicKey));
    await feed.publishBundle({ version: '1.0.0' });
    await feed.publishBundle({ version: '1.1.0', encrypt: true });
    const ios = (over: Record<string, unknown>) => device({ plugin_version: '8.51.14', platform: 'ios', defaultChannel: '', key_id: keyId, ...over });
    // iOS with a key cannot take the unencrypted 1.0.0 (it decrypts every checksum): on 1.1.0 it is up to date, on 1.0.0 too.
    expect((await feed.check(ios({ version_name: '1.1.0' }))).json).toMatchObject({ error: 'no_new_version_available' });
    expect((await feed.check(ios({ version_name: '1.0.0' }))).json['version']).toBe('1.1.0');
    // 5.9.5 cannot decrypt 1.1.0: it gets 1.0.0, and then hears why it gets nothing newer.
    expect((await feed.check(device({ plugin_version: '5.9.5', defaultChannel: '' }))).json['version']).toBe('1.0.0');
    expect((await feed.check(device({ plugin_version: '5.9.5', defaultChannel: '', version_name: '1.0.0' }))).json).toMatchObject({ error: 'plugin_too_old', kind: 'blocked' });
    // Withdrawn 1.1.0: the only bundle left is one this device cannot take, so back to builtin.
    await yankVersion({ store: feed.store, config: feed.config, app: 'rocket', buildType: 'release', version: '1.1.0' });
    expect((await feed.check(ios({ version_name: '1.1.0' }))).json).toEqual({ version: 'builtin' });
  });

  test('an encrypted bundle is not offered to a device holding another public key', async () => {
    const feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0', encrypt: true });
    const keyId = keyIdOf(createPublicKey(feed.keys.publicKey));
    expect((await feed.check(device({ key_id: keyId }))).json['version']).toBe('1.0.0');
    expect((await feed.check(device({ key_id: 'MIIBCgKCAQEAsomeother' }))).json).toMatchObject({ error: 'encryption_key_mismatch', kind: 'blocked' });
    expect((await feed.check(device({ plugin_version: '6.1.0' }))).json).toMatchObject({ error: 'plugin_too_old', kind: 'blocked' });
  });

  describe('bodies that are refused', () => {
    // Read only: one empty feed for all of them.
    let url: string;
    beforeAll(async () => {
      url = (await startLiveFeed()).url;
    });

    test.each([
      ['an empty body', undefined, /expected object/],
      ['no app_id', { device_id: 'd', version_name: 'builtin' }, /^app_id: /],
      ['a number as device_id', { app_id: 'a', device_id: 5, version_name: 'builtin' }, /^device_id: /],
      ['an array', [1, 2], /expected object/],
    ])('400 for %s', async (_label, body, message) => {
      const res = await fetch(`${url}/api/v1/updates`, { method: 'POST', ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      expect(res.status).toBe(400);
      const json = (await res.json()) as Record<string, string>;
      expect(json).toMatchObject({ error: 'invalid_request', kind: 'failed' });
      expect(json['message']).toMatch(message);
    });

    test('400 for a body that is not JSON', async () => {
      const res = await fetch(`${url}/api/v1/updates`, { method: 'POST', body: 'app_id=1' });
      expect(res.status).toBe(400);
    });
  });

  test('429 with Retry-After when one device polls abusively; other devices are not affected', async () => {
    const feed = await startLiveFeed({ devicePolls: { burst: 3, perMinute: 6 } });
    await feed.publishBundle({ version: '1.0.0' });
    const noisy = device();
    for (let i = 0; i < 3; i++) expect((await feed.check(noisy)).status).toBe(200);
    const limited = await feed.check(noisy);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(limited.json).toMatchObject({ error: 'too_many_requests', kind: 'failed' });
    expect((await feed.check(device())).status).toBe(200);
  });
});
