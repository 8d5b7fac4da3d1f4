import { beforeAll, describe, expect, test } from 'vitest';
import { yankVersion } from '../../src/publish/edit-version.js';
import { publish } from '../../src/publish/publish.js';
import { backends, bytes, startFeedServer } from '../helpers/feed-server.js';
import { writeBuild } from '../helpers/fixtures.js';
import { useFakeGitHub } from '../helpers/github.js';
import { webBuild } from '../helpers/live-feed.js';
import { login } from '../helpers/server.js';

const github = useFakeGitHub();

type Feed = Awaited<ReturnType<typeof startFeedServer>>;

describe.each(backends(github))('GET /api/v1/apps/{app}/versions (%s)', (_name, backend) => {
  let feed: Feed;
  let alice: string;
  let bob: string;
  let extra: Record<'ipa' | 'rc' | 'bundle', { id: string; created: string }>;

  beforeAll(async () => {
    feed = await startFeedServer({ backend: backend() });
    const put = async (version: string, path: string, notes?: string) =>
      (
        await publish({
          store: feed.store,
          config: feed.config,
          request: { app: 'rocket', buildType: 'debug', version, path, ...(notes ? { notes } : {}) },
          now: () => new Date('2026-02-01T12:00:00Z'),
        })
      ).version;
    extra = {
      // 1.10.0 sorts above 1.3.0 by semver (not as text); the release candidate below its release.
      ipa: await put('1.10.0', await writeBuild(bytes(700, 2), 'Rocket.ipa'), 'Fixes the **login**.'),
      rc: await put('1.3.0-rc.1', await writeBuild(bytes(600, 6), 'rocket.aab')),
      bundle: await put('1.11.0', await webBuild('bundle')),
    };
    await put('1.12.0', await webBuild('withdrawn'));
    await yankVersion({ store: feed.store, config: feed.config, app: 'rocket', buildType: 'debug', version: '1.12.0' });
    alice = `Bearer ${await login(feed.url, 'alice@example.com')}`;
    bob = `Bearer ${await login(feed.url, 'bob@example.com')}`;
  });

  const get = (app: string, authorization: string | null) =>
    fetch(`${feed.url}/api/v1/apps/${encodeURIComponent(app)}/versions`, { headers: authorization === null ? {} : { authorization } });

  test('every version testers can install per build type, newest first by semver, yanked and live-update bundles left out, pending included', async () => {
    const { versions: v } = feed;
    const res = await get('rocket', alice);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // Nothing downloaded yet: 0 as each store counts; no file, no count.
    const file = (size: number, fileName: string, platform: string) => ({ size, fileName, platform, downloads: 0 });
    const none = { size: null, fileName: null, platform: null, downloads: null };
    const base = (record: { id: string }, version: string, created: string, name = '', isPublic = false) => ({ id: record.id, version, name, public: isPublic, created });
    expect(await res.json()).toEqual({
      release: [
        { ...base(v.rocket120, '1.2.0', '2026-01-21T09:00:00Z', 'Next sprint'), notes: '', hasFile: false, ...none },
        { ...base(v.rocket110, '1.1.0', '2026-01-15T10:30:00Z', 'January update', true), notes: '', hasFile: true, ...file(100_000, 'Rocket – café 1.1.0.apk', 'android') },
        { ...base(v.rocket100, '1.0.0', '2026-01-01T10:00:00Z'), notes: '', hasFile: true, ...file(1000, 'rocket-1.0.0.apk', 'android') },
      ],
      // Bundle 1.11.0 is left out: live updates go to devices, and testers could not install one.
      debug: [
        { ...base(extra.ipa, '1.10.0', '2026-02-01T12:00:00Z'), notes: 'Fixes the **login**.', hasFile: true, ...file(700, 'Rocket.ipa', 'ios') },
        { ...base(v.rocketDebug, '1.3.0', '2026-01-20T08:00:00Z'), notes: '', hasFile: true, ...file(500, 'rocket-1.3.0.apk', 'android') },
        { ...base(extra.rc, '1.3.0-rc.1', '2026-02-01T12:00:00Z'), notes: '', hasFile: true, ...file(600, 'rocket.aab', 'other') },
      ],
      profile: [],
    });
  });

  test('an app with no versions has three empty lists', async () => {
    const res = await get('anvil', alice);
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 200, body: { release: [], debug: [], profile: [] } });
  });

  test('401 → 404 not found for an unknown app → 403 forbidden outside the app’s team', async () => {
    const cases: [string, string | null, number, string][] = [
      ['rocket', null, 401, 'unauthorized'],
      ['ghost', null, 401, 'unauthorized'],
      ['rocket', 'Bearer x.y.z', 401, 'unauthorized'],
      ['ghost', alice, 404, 'not found'],
      ['ghost', bob, 404, 'not found'],
      ['rocket', bob, 403, 'forbidden'],
      ['gadget', alice, 403, 'forbidden'],
    ];
    for (const [app, authorization, status, error] of cases) {
      const res = await get(app, authorization);
      expect({ app, status: res.status, body: await res.json() }).toEqual({ app, status, body: { error } });
    }
    expect((await get('gadget', bob)).status).toBe(200);
  });
});
