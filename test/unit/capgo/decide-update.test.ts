import { describe, expect, test } from 'vitest';
import { decideUpdate, type UpdateDecision } from '../../../src/capgo/decide-update.js';
import { DeviceInfoSchema } from '../../../src/capgo/device-request.js';
import { bundle, feed, shaOf } from '../../helpers/capgo/bundle-feed.js';

/** A current Android plugin (8.51) on a device that runs the assets shipped in the app. */
const device = (over: Record<string, unknown> = {}) =>
  DeviceInfoSchema.parse({
    app_id: 'com.acme.rocket',
    device_id: 'device-1',
    version_name: 'builtin',
    version_build: '1.0.0',
    plugin_version: '8.51.14',
    platform: 'android',
    ...over,
  });

const decide = (snapshot: ReturnType<typeof feed>, over: Record<string, unknown> = {}): UpdateDecision => decideUpdate({ info: device(over) }, snapshot);
const offered = (decision: UpdateDecision) => (decision.kind === 'update' ? decision.version.version : decision.kind === 'builtin' ? 'builtin' : decision.error);

describe('decideUpdate (in-process)', () => {
  test("offers the newest live bundle of the device's channel, with the SHA-256 a current plugin verifies", () => {
    const snapshot = feed(bundle('1.0.0'), bundle('1.2.0'), bundle('1.1.0'));
    const decision = decide(snapshot);
    expect(decision).toMatchObject({ kind: 'update', version: { version: '1.2.0' }, checksum: shaOf('1.2.0') });
    expect(decision).not.toHaveProperty('sessionKey');
    // From an older bundle too.
    expect(offered(decide(snapshot, { version_name: '1.0.0' }))).toBe('1.2.0');
  });

  test('a device on the newest bundle is up to date; with no bundle at all it is told there is none', () => {
    expect(decide(feed(bundle('1.0.0'), bundle('1.2.0')), { version_name: '1.2.0' })).toEqual({
      kind: 'none',
      status: 'up_to_date',
      error: 'no_new_version_available',
      message: "1.2.0 is the latest version on channel 'release'.",
    });
    expect(decide(feed())).toEqual({ kind: 'none', status: 'up_to_date', error: 'no_bundle', message: "No live-update bundle for this device on channel 'release'." });
  });

  test('an app that is not in the feed is a failure that names the package', () => {
    expect(decide(feed(bundle('1.0.0')), { app_id: 'com.acme.missing' })).toMatchObject({
      kind: 'none',
      status: 'failed',
      error: 'unknown_app',
      message: expect.stringContaining("'com.acme.missing'"),
    });
  });

  test('a channel the device may not name is refused, not swapped for the default', () => {
    expect(decide(feed(bundle('1.0.0')), { defaultChannel: 'profile' })).toMatchObject({ kind: 'none', status: 'failed', error: 'channel_not_allowed' });
    expect(decide(feed(bundle('1.0.0')), { defaultChannel: 'nope' })).toMatchObject({ kind: 'none', status: 'failed', error: 'channel_not_found' });
  });

  test('a bundle that needs a newer native app is skipped for the newest one the device can run; on that one, the store update is reported', () => {
    const snapshot = feed(bundle('1.0.0'), bundle('2.0.0', { file: { minNativeVersion: '2.0.0' } }));
    expect(offered(decide(snapshot, { version_build: '1.5.0' }))).toBe('1.0.0');
    expect(decide(snapshot, { version_build: '1.5.0', version_name: '1.0.0' })).toMatchObject({
      kind: 'none',
      status: 'blocked',
      error: 'disable_auto_update_to_major',
      storeUpdate: { version: '2.0.0' },
    });
    expect(offered(decide(snapshot, { version_build: '2.0.0', version_name: '1.0.0' }))).toBe('2.0.0');
    // A native version that cannot be read is taken to be too old.
    expect(offered(decide(snapshot, { version_build: 'unknown' }))).toBe('1.0.0');
  });

  test('a staged rollout is stable per device: the same device gets the same answer, 0% reaches nobody, 100% everybody', () => {
    const half = feed(bundle('1.0.0'), bundle('2.0.0', { rollout: 50 }));
    const answers = Array.from({ length: 200 }, (_, i) => offered(decide(half, { device_id: `d${i}` })));
    expect(Array.from({ length: 200 }, (_, i) => offered(decide(half, { device_id: `d${i}` })))).toEqual(answers);
    const inRollout = answers.filter((a) => a === '2.0.0').length;
    expect(inRollout).toBeGreaterThan(60);
    expect(inRollout).toBeLessThan(140);
    expect(new Set(answers)).toEqual(new Set(['1.0.0', '2.0.0']));
    expect(offered(decide(feed(bundle('1.0.0'), bundle('2.0.0', { rollout: 0 }))))).toBe('1.0.0');
    expect(offered(decide(feed(bundle('1.0.0'), bundle('2.0.0', { rollout: 100 }))))).toBe('2.0.0');
  });

  test('a withdrawn bundle rolls its devices back to the previous one, and with none left, to the builtin assets', () => {
    expect(offered(decide(feed(bundle('1.0.0'), bundle('2.0.0', { yanked: true })), { version_name: '2.0.0' }))).toBe('1.0.0');
    expect(decide(feed(bundle('2.0.0', { yanked: true })), { version_name: '2.0.0' })).toEqual({ kind: 'builtin' });
  });

  test('an app that declares encrypted bundles gets no plain one, and says why', () => {
    const vault = feed(bundle('1.0.0', { app: 'vault' }));
    expect(decide(vault, { app_id: 'com.acme.vault' })).toMatchObject({ kind: 'none', status: 'blocked', error: 'encryption_required' });
  });

  test('the same device and feed always give the same decision', () => {
    const snapshot = feed(bundle('1.0.0'), bundle('1.1.0', { rollout: 30 }));
    expect(decide(snapshot, { device_id: 'x' })).toEqual(decide(snapshot, { device_id: 'x' }));
  });
});
