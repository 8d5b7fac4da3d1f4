import { AppCrash, crc32Hex, decryptBundle, InstallFailure, sha256Hex, type ChecksumReader } from './plugin-crypto.js';

/**
 * What a plugin does with a downloaded bundle before installing it (Android
 * `finishDownload`, iOS `download` + the compare in the background path), per era.
 */
export interface InstallRules {
  readonly platform: 'android' | 'ios';
  /**
   * The hash of a bundle that came without a session key. 'none': Android 7.0.2–7.0.29,
   * Feb-2025 8.0.x and 6.34–6.42.9 compute none, so the expected checksum must be ""
   * (7.0.2:A/CapacitorUpdater.java:320-332, 7b50db23:A/CapacitorUpdater.java:321-327,
   * c18bb412:A/CapgoUpdater.java:401-413).
   */
  readonly plainHash: 'crc32' | 'sha256' | 'none';
  /**
   * Android's compare. 'old' (no public-key mode: 5.0 → 6.1.17, 7.0.0/1, May-2023):
   * fail iff checksum ≠ "" and ≠ computed (5.0.0:A/CapacitorUpdater.java:353-357).
   * 'new' (6.1.18+, 7.0.2+, 5.10+): fail iff (checksum ≠ "" or a public key is set) and
   * checksum ≠ computed (6.1.32:A/CapacitorUpdater.java:374-377, 8.51.14:A/CapgoUpdater.java:850).
   */
  readonly androidRule: 'old' | 'new';
  /** Android with a public key refuses an empty checksum first (`checksum_required`): 6.14.28:A/CapgoUpdater.java:384-388, 7233d9de:A/CapgoUpdater.java:393-397, 8.51.14:A/CapgoUpdater.java:835-839. */
  readonly checksumRequired: boolean;
  /** The encrypted-checksum reader; null for plugins with no public-key (V2) decryption. */
  readonly reader: ChecksumReader | null;
  /**
   * iOS runs the reader over `checksum` whenever the app has a public key, with or
   * without a session key (6.1.18:iP/CapacitorUpdaterPlugin.swift:727-728,
   * 7.0.2:iP/CapacitorUpdaterPlugin.swift:808, 8.51.14:iS/CapacitorUpdaterPlugin.swift:4405).
   */
  readonly iosDecryptsEveryChecksum: boolean;
  /** A session key sent to a V1-only build crashes iOS (force unwraps: 5.0.0:iP/CapacitorUpdater.swift:366-370, f36fc8c3:iP/CapacitorUpdater.swift:366-367). */
  readonly v1CrashesOnSessionKey?: boolean;
  /**
   * 8.51.23: an empty checksum is refused even without a public key, and with a key a
   * bundle without a session key is refused (npm:8.51.23:A/CapgoUpdater.java:288-302,878-893;
   * npm:8.51.23:iS/CapacitorUpdaterPlugin.swift:4533-4570).
   */
  readonly strict?: boolean;
}

export interface BundleAnswer {
  readonly checksum: string;
  readonly sessionKey: string;
}

const plainDigest = (hash: InstallRules['plainHash'], bytes: Buffer) => (hash === 'crc32' ? crc32Hex(bytes) : hash === 'sha256' ? sha256Hex(bytes) : '');

/** Unzipping what is not a zip fails the install too (`unzip` → `unzip_fail`: 8.51.14:A/CapgoUpdater.java:318-373). */
function unzippable(bytes: Buffer): Buffer {
  if (bytes.subarray(0, 4).toString('latin1') !== 'PK\u0003\u0004') throw new InstallFailure('download_fail', 'not a zip (unzip failed)');
  return bytes;
}

/**
 * Checks `downloaded` as the plugin would and returns the zip it installs, or throws
 * InstallFailure (the plugin deletes or marks the bundle and reports it) or AppCrash.
 * `publicKey` is the app's configured key ("" when it has none).
 */
export function install(rules: InstallRules, downloaded: Buffer, answer: BundleAnswer, publicKey: string): Buffer {
  const { sessionKey } = answer;
  if (sessionKey !== '' && rules.reader === null) {
    // V1 builds decrypt every session key with the app's private key, or one built into the plugin, by RSA-OAEP
    // (5.0.0:A/CryptoCipher.java:36-48, built-in key 5.0.0:A/CapacitorUpdaterPlugin.java:53,132): a V2 key never opens.
    if (rules.platform === 'ios' && rules.v1CrashesOnSessionKey) throw new AppCrash('V1 decrypt of a V2 session key, force-unwrapped');
    throw new InstallFailure('decrypt_fail', 'this plugin has no public-key decryption (V1 only)');
  }
  if (rules.strict && publicKey !== '' && sessionKey === '')
    throw new InstallFailure('checksum_required', 'session_key_required: a public key is set and the bundle is not encrypted');
  if (rules.strict && answer.checksum === '') throw new InstallFailure('checksum_required', 'the checksum is empty');
  if (rules.platform === 'android' && rules.checksumRequired && publicKey !== '' && answer.checksum === '') {
    throw new InstallFailure('checksum_required', 'a public key is set and the checksum is empty');
  }

  let zip = downloaded;
  let computed: string;
  let expected = answer.checksum;
  if (sessionKey !== '') {
    // With a session key the decrypted zip is hashed with SHA-256, whatever the plain hash (6.1.32:A/CapacitorUpdater.java:369,549-583);
    // the checksum is decrypted only when the app has a key (`decryptChecksum` returns it as it is otherwise: 7.0.2:iP/CapacitorUpdater.swift:356-359).
    zip = decryptBundle(downloaded, sessionKey, publicKey);
    if (publicKey !== '') expected = rules.reader!(expected, publicKey);
    computed = sha256Hex(zip);
  } else {
    computed = plainDigest(rules.plainHash, zip);
    if (rules.platform === 'ios' && rules.iosDecryptsEveryChecksum && publicKey !== '' && rules.reader) expected = rules.reader(expected, publicKey);
  }

  // iOS: `res.checksum != "" && next.checksum != res.checksum` (7.0.2:iP/CapacitorUpdaterPlugin.swift:809, 8.51.14:iS/CapacitorUpdaterPlugin.swift:4408).
  const fails = rules.platform === 'ios' || rules.androidRule === 'old' ? expected !== '' && expected !== computed : (expected !== '' || publicKey !== '') && expected !== computed;
  if (fails) throw new InstallFailure('checksum_fail', `expected '${expected.slice(0, 24)}…' but computed '${computed.slice(0, 24)}…'`);
  return unzippable(zip);
}
