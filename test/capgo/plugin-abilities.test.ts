import { describe, expect, test } from 'vitest';
import { pluginAbilities } from '../../src/capgo/plugin-abilities.js';

describe('what each plugin version can verify (boundaries from the plugin and CLI source)', () => {
  test.each([
    // version, platform, plain checksum, encrypted checksum, builtin reset
    ['4.9.0', 'android', 'crc32', null, false],
    ['5.0.0', 'ios', 'crc32', null, false],
    ['5.9.5', 'android', 'crc32', null, false],
    ['5.10.0', 'android', 'sha256', 'legacy', true],
    ['5.29.9', 'ios', 'sha256', 'legacy', true],
    ['5.30.0', 'android', 'sha256', 'v3', true],
    ['6.1.0', 'android', 'crc32', null, false],
    ['6.1.32', 'ios', 'crc32', null, true],
    ['6.2.0', 'android', 'crc32', 'legacy', true],
    ['6.24.9', 'ios', 'crc32', 'legacy', true],
    ['6.25.0', 'android', 'sha256', 'legacy', true],
    ['6.30.0', 'ios', 'sha256', 'v3', true],
    ['7.0.1', 'android', 'crc32', null, false],
    ['7.0.2', 'android', 'empty', 'legacy', true],
    ['7.0.29', 'android', 'empty', 'legacy', true],
    ['7.0.29', 'ios', 'sha256', 'legacy', true],
    ['7.0.30', 'android', 'sha256', 'legacy', true],
    ['7.29.3', 'android', 'sha256', 'legacy', true],
    ['7.30.0', 'ios', 'sha256', 'v3', true],
    ['8.0.0', 'android', 'sha256', 'v3', true],
    ['8.51.14', 'ios', 'sha256', 'v3', true],
    ['9.0.0', 'ios', 'sha256', 'v3', true],
    ['8.0.0-beta.3', 'android', 'sha256', 'v3', true],
  ] as const)('%s on %s: %s / %s', (version, platform, plain, encrypted, builtin) => {
    expect(pluginAbilities(version, platform)).toEqual({ plainChecksum: plain, encryptedChecksum: encrypted, builtinReset: builtin });
  });

  test('a missing or unreadable plugin version is taken as the newest', () => {
    expect(pluginAbilities(undefined, 'android')).toEqual(pluginAbilities('8.0.0', 'android'));
    expect(pluginAbilities('banana', 'ios')).toEqual(pluginAbilities('8.0.0', 'ios'));
  });
});
