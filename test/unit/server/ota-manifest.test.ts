import { describe, expect, test } from 'vitest';
import { platformOf } from '../../../src/feed/platform.js';
import { otaManifestXml, xmlEscape } from '../../../src/server/ota-manifest.js';
import { parsePlist } from '../../helpers/plist.js';

describe('the iOS over-the-air manifest', () => {
  test('is Apple’s plist layout, every value escaped', () => {
    const xml = otaManifestXml({
      ipaUrl: 'https://h/api/v1/versions/1/download?token=a.b.c&x=<y>',
      bundleIdentifier: 'com.acme.r&d',
      bundleVersion: '1.2.3-rc.1+build.5',
      title: `R&D <"Rocket"> it's`,
    });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"')).toBe(true);
    expect(xml).not.toMatch(/&(?!lt;|gt;|amp;|apos;|quot;)/);
    expect(parsePlist(xml)).toEqual({
      items: [
        {
          assets: [{ kind: 'software-package', url: 'https://h/api/v1/versions/1/download?token=a.b.c&x=<y>' }],
          metadata: { 'bundle-identifier': 'com.acme.r&d', 'bundle-version': '1.2.3-rc.1+build.5', kind: 'software', title: `R&D <"Rocket"> it's` },
        },
      ],
    });
  });

  test('escapes the five XML specials', () => {
    expect(xmlEscape(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});

describe('the platform of a build file', () => {
  test.each([
    ['app.apk', 'android'],
    ['App.APK', 'android'],
    ['Rocket 2.ipa', 'ios'],
    ['app.aab', 'other'],
    ['bundle.zip', 'other'],
    ['apk', 'other'],
    ['app.apk.zip', 'other'],
  ])('%s → %s', (name, platform) => {
    expect(platformOf(name)).toBe(platform);
  });
});
