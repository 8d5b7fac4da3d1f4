import semver from 'semver';

/**
 * What a given capacitor-updater plugin can check, read from its own source
 * (Cap-go/capacitor-updater, Android `finishDownload` / iOS `download`) and matched
 * against the Capgo CLI's thresholds (`isDeprecatedPluginVersion`, `HEX_CHECKSUM_MIN_VERSION_*`):
 *
 * | plugin            | unencrypted bundle          | encrypted bundle (session key)      |
 * | ----------------- | --------------------------- | ----------------------------------- |
 * | 5.0 – 5.9         | CRC32                        | cannot decrypt (no public-key mode) |
 * | 5.10 – 5.29       | SHA-256                      | legacy base64 checksum              |
 * | 5.30+             | SHA-256                      | hex (V3) checksum                   |
 * | 6.0 – 6.1         | CRC32                        | cannot decrypt                      |
 * | 6.2 – 6.24        | CRC32                        | legacy base64 checksum              |
 * | 6.25 – 6.29       | SHA-256                      | legacy base64 checksum              |
 * | 6.30+             | SHA-256                      | hex (V3) checksum                   |
 * | 7.0.0 – 7.0.1     | CRC32                        | cannot decrypt                      |
 * | 7.0.2 – 7.0.29    | Android: none*, iOS: SHA-256 | legacy base64 checksum              |
 * | 7.0.30 – 7.29     | SHA-256                      | legacy base64 checksum              |
 * | 7.30+, 8.x        | SHA-256                      | hex (V3) checksum                   |
 *
 * *Android 7.0.2–7.0.29 only hashes a bundle it decrypted, then compares against any
 * non-empty checksum it was given, so an unencrypted bundle must come with an empty one.
 */
export interface PluginAbilities {
  /** The checksum an unencrypted bundle must carry for this plugin to accept it. */
  readonly plainChecksum: 'crc32' | 'sha256' | 'empty';
  /** The encrypted-checksum form this plugin reads, or null when it cannot decrypt bundles. */
  readonly encryptedChecksum: 'v3' | 'legacy' | null;
  /** Whether it understands `{"version": "builtin"}` as "go back to the shipped assets" (added with 6.1.32 / 5.10 / 7.0.2). */
  readonly builtinReset: boolean;
}

const NEWEST: PluginAbilities = { plainChecksum: 'sha256', encryptedChecksum: 'v3', builtinReset: true };
const OLDEST: PluginAbilities = { plainChecksum: 'crc32', encryptedChecksum: null, builtinReset: false };

/** Abilities of the plugin that sent `plugin_version` from `platform`; unknown versions are taken as the newest. */
export function pluginAbilities(pluginVersion: string | undefined, platform: string | undefined): PluginAbilities {
  const parsed = pluginVersion ? semver.coerce(pluginVersion) : null;
  if (!parsed) return NEWEST;
  const at = (v: string) => semver.gte(parsed, v);
  switch (parsed.major) {
    case 5:
      if (!at('5.10.0')) return OLDEST;
      return { plainChecksum: 'sha256', encryptedChecksum: at('5.30.0') ? 'v3' : 'legacy', builtinReset: true };
    case 6:
      if (!at('6.2.0')) return { ...OLDEST, builtinReset: at('6.1.32') };
      return { plainChecksum: at('6.25.0') ? 'sha256' : 'crc32', encryptedChecksum: at('6.30.0') ? 'v3' : 'legacy', builtinReset: true };
    case 7:
      if (!at('7.0.2')) return OLDEST;
      if (!at('7.0.30')) return { plainChecksum: platform === 'android' ? 'empty' : 'sha256', encryptedChecksum: 'legacy', builtinReset: true };
      return { plainChecksum: 'sha256', encryptedChecksum: at('7.30.0') ? 'v3' : 'legacy', builtinReset: true };
    default:
      return parsed.major < 5 ? OLDEST : NEWEST;
  }
}
