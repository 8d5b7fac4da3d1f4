import semver from 'semver';
import { describe, expect, test } from 'vitest';
import { candidateBuilds } from '../../src/capgo/identify-plugin.js';
import { PLUGIN_BUILDS } from '../../src/capgo/plugin-builds.js';

const info = (over: Record<string, unknown>) => ({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', ...over }) as never;
const names = (request: Parameters<typeof candidateBuilds>[0]) => candidateBuilds(request).map((b) => b.name);

describe('telling plugin builds apart from what the request shows', () => {
  test('the three builds that report "8.0.0": by the defaultChannel key, then by whose User-Agent it is', () => {
    // May 2023 sends no defaultChannel key at all (f36fc8c3:A/CapacitorUpdater.java:712-726).
    expect(names({ info: info({ plugin_version: '8.0.0', platform: 'android' }) })).toEqual(['Android 8.0.0/9.0.0/10.0.0 (May 2023)']);
    const feb = { plugin_version: '8.0.0', platform: 'android', defaultChannel: '' };
    expect(names({ info: info(feb), userAgent: 'okhttp/4.12.0' })).toEqual(['Android 8.0.0/8.0.1 (Feb 2025)']);
    expect(names({ info: info(feb), userAgent: 'CapacitorUpdater/8.0.0 (com.acme.rocket) android/14' })).toEqual(['Android 8.1.0']);
    // No User-Agent at all (a proxy dropped it): either, and the answer must suit both.
    expect(names({ info: info(feb) })).toEqual(['Android 8.0.0/8.0.1 (Feb 2025)', 'Android 8.1.0']);
  });

  test('"6.27.11" is three builds on Android and two on iOS, which no request tells apart', () => {
    expect(names({ info: info({ plugin_version: '6.27.11', platform: 'android', defaultChannel: '' }) })).toEqual(['Android 6.14.28–6.27.11', 'Android 6.34.0']);
    expect(names({ info: info({ plugin_version: '6.27.11', platform: 'ios', defaultChannel: '' }) })).toEqual(['iOS 6.14.28–6.27.11', 'iOS 6.30.0']);
  });

  test('a key_id rules out the builds that never send one', () => {
    expect(candidateBuilds({ info: info({ plugin_version: '8.2.0', platform: 'ios', defaultChannel: '', key_id: 'MIIB' }) }).every((b) => b.keyId)).toBe(true);
  });

  test('no platform: both; no readable version, or one newer than any known: the newest', () => {
    expect(candidateBuilds({ info: info({ plugin_version: '7.0.2', defaultChannel: '' }) }).map((b) => b.platform)).toEqual(['android', 'ios']);
    for (const plugin_version of [undefined, 'banana', '8.99.0', '11.2.3']) {
      expect(names({ info: info({ plugin_version, platform: 'ios', defaultChannel: '' }) })).toEqual(['iOS 8.51.23+']);
    }
    expect(names({ info: info({ plugin_version: '4.17.42', platform: 'android' }) })).toEqual(['Android before 5.0']);
  });

  test('every reported version from 0.0.0 to 12.0.0 belongs to a build on each platform', () => {
    for (const platform of ['android', 'ios'] as const) {
      for (let major = 0; major <= 12; major++) {
        for (let minor = 0; minor <= 60; minor++) {
          for (const patch of [0, 1, 11, 28, 31, 36]) {
            const version = `${major}.${minor}.${patch}`;
            expect(
              PLUGIN_BUILDS.some((b) => b.platform === platform && semver.satisfies(version, b.reports)),
              `${platform} ${version}`,
            ).toBe(true);
          }
        }
      }
    }
  });
});
