import { beforeAll, describe, expect, test } from 'vitest';
import { jsonLogger } from '../../src/util/logger.js';
import { startLiveFeed } from '../helpers/live-feed.js';

type Feed = Awaited<ReturnType<typeof startLiveFeed>>;

const info = {
  app_id: 'com.acme.rocket',
  device_id: 'dev-1',
  version_name: '1.0.0',
  version_build: '1.0.0',
  plugin_version: '8.51.14',
  platform: 'ios',
  custom_id: 'alice@example.com',
};

describe('POST /api/v1/stats', () => {
  let feed: Feed;
  const lines: string[] = [];
  beforeAll(async () => {
    feed = await startLiveFeed({ log: jsonLogger((l) => lines.push(l)) });
  });

  const post = (body: unknown) => fetch(`${feed.url}/api/v1/stats`, { method: 'POST', body: JSON.stringify(body) });

  test('takes one event (plugins 5–7) and logs it as one line, without custom_id', async () => {
    lines.length = 0;
    const res = await post({ ...info, action: 'set', old_version_name: 'builtin' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l['event'] === 'device stat');
    expect(logged).toEqual([expect.objectContaining({ action: 'set', app: 'com.acme.rocket', device: 'dev-1', version: '1.0.0', from: 'builtin' })]);
    expect(lines.join('')).not.toContain('alice@example.com');
  });

  test('takes a batch of 200 (plugin 8) as 200 lines', async () => {
    lines.length = 0;
    const batch = Array.from({ length: 200 }, (_, i) => ({ ...info, action: 'download_complete', timestamp: Date.now(), metadata: { i: String(i) } }));
    expect((await post(batch)).status).toBe(200);
    expect(lines.filter((l) => l.includes('"device stat"'))).toHaveLength(200);
  });

  test('a batch with odd events keeps every good one: 8.42+ drop a whole batch on a 4xx (8.51.14:A/CapgoUpdater.java:3145-3146)', async () => {
    lines.length = 0;
    const batch: unknown[] = Array.from({ length: 199 }, (_, i) => ({ ...info, action: 'set', version_name: `1.0.${i}` }));
    batch.splice(57, 0, { ...info, action: '' });
    batch.push('not an event', { action: 'set' });
    const res = await post(batch);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', rejected: 3 });
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.filter((l) => l['event'] === 'device stat').map((l) => l['version'])).toEqual(Array.from({ length: 199 }, (_, i) => `1.0.${i}`));
    expect(logged.filter((l) => l['event'] === 'device stats rejected')).toEqual([
      expect.objectContaining({ level: 'warn', rejected: 3, first: expect.stringContaining('action') }),
    ]);
  });

  test('an empty batch is fine: there is nothing to lose', async () => {
    const res = await post([]);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  test.each([
    ['an event without action', { ...info }],
    ['a batch larger than any plugin sends', Array.from({ length: 501 }, () => ({ ...info, action: 'set' }))],
    ['a number', 42],
  ])('400 for %s', async (_label, body) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('/api/v1/channel_self', () => {
  let feed: Feed;
  beforeAll(async () => {
    feed = await startLiveFeed();
    await feed.publishBundle({ version: '1.0.0' }); // the feed's apps and channels arrive with its first manifest
  });

  const call = async (method: string, body?: unknown, query = '') => {
    const res = await fetch(`${feed.url}/api/v1/channel_self${query}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: res.status, json: (await res.json()) as unknown };
  };

  test('GET lists the channels with numeric ids, as plugin 7.5+ parses them', async () => {
    const params = new URLSearchParams(Object.entries(info).map(([k, v]): [string, string] => [k, String(v)]));
    expect(await call('GET', undefined, `?${params.toString()}`)).toEqual({
      status: 200,
      json: [
        { id: 1, name: 'release', public: true, allow_self_set: false },
        { id: 2, name: 'debug', public: false, allow_self_set: false },
        { id: 3, name: 'profile', public: false, allow_self_set: false },
        { id: 4, name: 'production', public: false, allow_self_set: false },
        { id: 5, name: 'beta', public: false, allow_self_set: true },
      ],
    });
    expect((await call('GET', undefined, '?app_id=com.acme.anvil')).json).toContainEqual({ id: 4, name: 'production', public: true, allow_self_set: false });
  });

  test('PUT tells the device its channel', async () => {
    expect(await call('PUT', info)).toEqual({ status: 200, json: { channel: 'release', status: 'default', allowSet: true } });
    expect(await call('PUT', { ...info, defaultChannel: 'beta' })).toEqual({ status: 200, json: { channel: 'beta', status: 'override', allowSet: true } });
    // A channel the device may not be on is refused, not answered: 8.47.9+ would store the answer (8.51.14:A/CapgoUpdater.java:2600).
    expect(await call('PUT', { ...info, defaultChannel: 'gone' })).toMatchObject({ status: 200, json: { error: 'channel_not_found' } });
    expect(await call('PUT', { ...info, defaultChannel: 'debug' })).toMatchObject({ status: 200, json: { error: 'channel_not_allowed' } });
  });

  test('POST sets only channels open to devices; the default channel unsets; a refusal is 200 with error, as Capgo answers', async () => {
    expect(await call('POST', { ...info, channel: 'beta' })).toEqual({ status: 200, json: { status: 'ok', message: "Device now on channel 'beta'." } });
    expect(await call('POST', { ...info, defaultChannel: 'beta', channel: 'release' })).toMatchObject({ status: 200, json: { status: 'ok', unset: true } });
    expect(await call('POST', { ...info, channel: 'debug' })).toMatchObject({
      status: 200,
      json: { error: 'channel_not_allowed', message: expect.stringContaining('allowSelfSet') },
    });
    expect(await call('POST', { ...info, channel: 'nope' })).toMatchObject({ status: 200, json: { error: 'channel_not_found' } });
    expect(await call('POST', { ...info })).toMatchObject({ status: 400, json: { error: 'invalid_request' } });
  });

  test('POST from a plugin that does not keep the channel is refused with what to do, unless it asks for the channel it is on', async () => {
    const old = { ...info, plugin_version: '7.30.0', defaultChannel: '' };
    expect(await call('POST', { ...old, channel: 'beta' })).toEqual({
      status: 200,
      json: {
        error: 'set_channel_unsupported',
        message:
          "@capgo/capacitor-updater 7.30.0 does not keep the channel setChannel() picks, and this server stores none: update the plugin (5.35.0, 6.35.0, 7.34.0, 8.2.0 or later), or build the app with defaultChannel 'beta' in capacitor.config.",
      },
    });
    expect(await call('POST', { ...old, channel: 'release' })).toEqual({ status: 200, json: { status: 'ok', unset: true, message: "Already on the default channel 'release'." } });
    expect(await call('POST', { ...old, defaultChannel: 'beta', channel: 'beta' })).toEqual({ status: 200, json: { status: 'ok', message: "Already on channel 'beta'." } });
  });

  test('DELETE (unsetChannel before 7.34) is ok when the device follows its default; a channel from capacitor.config cannot be unset here', async () => {
    expect(await call('DELETE', info)).toEqual({ status: 200, json: { status: 'ok' } });
    expect(await call('DELETE', { ...info, plugin_version: '7.30.0', defaultChannel: 'beta' })).toMatchObject({
      status: 200,
      json: { error: 'unset_channel_unsupported', message: expect.stringContaining('capacitor.config') },
    });
  });

  test("a body that is not JSON gets the plugin's error shape", async () => {
    const res = await fetch(`${feed.url}/api/v1/channel_self`, { method: 'POST', body: '{not json' });
    expect({ status: res.status, json: await res.json() }).toEqual({ status: 400, json: { error: 'invalid_request', message: 'the body is not JSON', kind: 'failed' } });
  });

  test("a device may name any channel of its default channel's build type: they are names for the same bundles", async () => {
    expect(await call('PUT', { ...info, app_id: 'com.acme.anvil', defaultChannel: 'release' })).toEqual({
      status: 200,
      json: { channel: 'release', status: 'override', allowSet: true },
    });
    expect(await call('PUT', { ...info, app_id: 'com.acme.anvil', defaultChannel: 'debug' })).toMatchObject({ status: 200, json: { error: 'channel_not_allowed' } });
  });

  test('an unknown app is a 400 with a stable code', async () => {
    expect(await call('PUT', { ...info, app_id: 'com.nope' })).toMatchObject({ status: 400, json: { error: 'unknown_app' } });
    expect(await call('GET', undefined, '?app_id=com.nope')).toMatchObject({ status: 400, json: { error: 'unknown_app' } });
  });
});
