/**
 * Every build of @capgo/capacitor-updater that behaves differently towards an update
 * server, read from the plugin's source (Cap-go/capacitor-updater at the tag or commit
 * named; `A/` = android/src/main/java/ee/forgr/capacitor_updater/, `iS/` =
 * ios/Sources/CapacitorUpdaterPlugin/, `iP/` = ios/Plugin/; `npm:` = the published
 * tarball, for versions newer than the repository). docs/CAPGO_PLUGINS.md has the
 * findings behind each row.
 *
 * A row is keyed by the `plugin_version` the build *reports* (its native constant,
 * which is not always its npm version) and by what else its request shows. Several
 * builds may report the same string; the server then answers what all of them accept.
 */

/** A checksum an unencrypted bundle can carry: its SHA-256, its CRC32, or none (""). */
export type PlainForm = 'sha256' | 'crc32' | 'empty';
/** The encrypted-checksum form a build reads: base64 in/out (legacy), or hex out (V3). */
export type EncryptedForm = 'legacy' | 'v3';

/**
 * How a build takes a delta update (the answer's `manifest`), read from its source
 * (docs/plugin-source-notes/plugin-delta.md has every era with its citations):
 * - `form`: `plain`, it brotli-decompresses only files named `*.br` (and drops the suffix);
 *   `brotli`, it brotli-decompresses every file it downloads, whatever its name;
 * - `brNames`: a `*.br` name is safe. Not on builds that write a `.br` entry they reuse from
 *   their cache under its `.br` name, leaving the bundle without the file (7.0.38:A/DownloadService.java:177,190-195,
 *   7.0.38:iP/CapacitorUpdater.swift:353,409): a bundle holding `*.br` files goes to them whole.
 */
export interface DeltaSupport {
  readonly form: 'plain' | 'brotli';
  readonly brNames: boolean;
}

export interface PluginBuild {
  /** Which builds these are, for messages: "Android 7.0.2–7.0.29". */
  readonly name: string;
  readonly platform: 'android' | 'ios';
  /** The `plugin_version` values they report (a semver range). */
  readonly reports: string;
  /** Whether the update-check body has a `defaultChannel` key (undefined: not known, not used to tell builds apart). */
  readonly defaultChannelKey?: boolean;
  /** They send `key_id` whenever the app sets a public key, so its absence means no key. */
  readonly keyId: boolean;
  /**
   * The User-Agent of their update checks, where it tells builds apart: `ours` is
   * `CapacitorUpdater/<version> (<appId>) <platform>/<os>` (f2509156:A/DownloadService.java:89-105,
   * f2509156:iS/CapgoUpdater.swift:51-61), `theirs` their HTTP client's default (OkHttp's,
   * Alamofire's). Undefined: not used to tell builds apart.
   */
  readonly userAgent?: 'ours' | 'theirs';
  /** Checksums an unencrypted bundle may carry and still install, on an app without a public key… */
  readonly plain: readonly PlainForm[];
  /** …and on an app that sets one. */
  readonly plainWithKey: readonly PlainForm[];
  /** The encrypted-checksum form they read; null: no public-key decryption at all. */
  readonly encrypted: EncryptedForm | null;
  /** They understand `{"version": "builtin"}` (go back to the shipped assets). */
  readonly builtin: boolean;
  /** They keep the channel a successful setChannel() picks, and send it back as `defaultChannel`. */
  readonly keepsChannel: boolean;
  /** A 429 makes them wait `Retry-After` seconds, not stop calling until the app restarts. */
  readonly retryAfter: boolean;
  /**
   * How they take a delta update; null: they ignore `manifest`, or would install a bundle with a file
   * missing when one download fails, so they take the whole zip.
   */
  readonly delta: DeltaSupport | null;
}

type Traits = Omit<PluginBuild, 'name' | 'platform' | 'reports'>;

// The checksum behaviours, each cited once.
/** CRC32 compared only when non-empty; no public-key mode (5.0.0:A/CapacitorUpdater.java:353-357, 5.0.0:iP/CapacitorUpdaterPlugin.swift:553, 7.0.0:A/CapacitorUpdater.java:343,362). */
const CRC_ONLY = { plain: ['crc32', 'empty'], plainWithKey: ['crc32', 'empty'], encrypted: null } as const;
/** Android 6.1.18+: CRC32; with a key an empty checksum fails (`(exp≠"" || key≠"") && exp≠crc`: 6.1.32:A/CapacitorUpdater.java:374-377). */
const CRC_A = { plain: ['crc32', 'empty'], plainWithKey: ['crc32'], encrypted: 'legacy' } as const;
/** iOS 6.1.18 → 6.14.11: with a key the checksum is always "decrypted" by SecKey, which leaves "" as "" (6.1.32:iP/CapacitorUpdaterPlugin.swift:732-735, iP/CapacitorUpdater.swift:668-687). */
const CRC_I_SECKEY = { plain: ['crc32', 'empty'], plainWithKey: ['empty'], encrypted: 'legacy' } as const;
/** iOS 6.14.18 → 6.14.27: the BigInt RSA throws on an empty checksum (6.14.18:iP/CryptoCipherV2.swift:13-44). */
const CRC_I = { plain: ['crc32', 'empty'], plainWithKey: [], encrypted: 'legacy' } as const;
/** Android SHA-256; with a key only the clear SHA-256 passes (7.30.0:A/CapgoUpdater.java:393-410, 8.51.14:A/CapgoUpdater.java:831-856). */
const SHA_A = { plain: ['sha256', 'empty'], plainWithKey: ['sha256'] } as const;
/** iOS SHA-256; with a key every checksum is decrypted first, so no unencrypted bundle installs (7.30.0:iS/CapacitorUpdaterPlugin.swift:1334, 8.51.14:iS/CapacitorUpdaterPlugin.swift:4405). */
const SHA_I = { plain: ['sha256', 'empty'], plainWithKey: [] } as const;
/** iOS 7.0.2 → 7.0.36 and Feb-2025 8.0.x: SecKey decryption leaves "" as "" (7.0.2:iP/CapacitorUpdater.swift:356-375). */
const SHA_I_SECKEY = { plain: ['sha256', 'empty'], plainWithKey: ['empty'] } as const;
/** Android computes no hash of an unencrypted bundle: only "" passes, key or not (7.0.2:A/CapacitorUpdater.java:320-332, 7b50db23:A/CapacitorUpdater.java:321-331). */
const NO_HASH_A = { plain: ['empty'], plainWithKey: ['empty'] } as const;
/** Old v6 Android (6.34.0 → 6.42.9): no hash, and with a key an empty checksum is `checksum_required` (c18bb412:A/CapgoUpdater.java:401-413). */
const NO_HASH_A_V6 = { plain: ['empty'], plainWithKey: [] } as const;
/** 8.51.23: a checksum is always required, and with a key a session key too (npm:8.51.23:A/CapgoUpdater.java:288-302, iS/CapacitorUpdaterPlugin.swift:4533-4570). */
const SHA_REQUIRED = { plain: ['sha256'], plainWithKey: [] } as const;

// The delta behaviours (docs/plugin-source-notes/plugin-delta.md §2), each cited once.
/**
 * `.br` names only; a failed or mismatched file fails the update (Android 8.2+: 8.2.0:A/DownloadService.java:651,684;
 * 8.51.14:A/DownloadService.java:582-591,1108-1138), or on iOS 7.36.1–8.42.6 a failed download does (8.2.0:iS/CapgoUpdater.swift:578-580),
 * from 8.42.7 a mismatched hash too (8.45.11:iS/CapgoUpdater.swift:1158).
 */
const DELTA: DeltaSupport = { form: 'plain', brNames: true };
/**
 * The same, but a reused `.br` entry keeps its suffix (Android 6.14.28–6.34, 7.0.38–7.34, 5.10–5.34: 6.14.28:A/DownloadService.java:287,494,548;
 * iOS 6.25.3–6.34, 7.26–7.30, 5.10–5.34, which fail the update on a failed download: 7.29.0:iS/CapgoUpdater.swift:539). Builds between these
 * and the next era that the notes did not read one by one (5.35–5.42, 6.35–6.42, 7.31–7.35) are taken as this, the older rule.
 */
const DELTA_NO_BR: DeltaSupport = { form: 'plain', brNames: false };
/** Android 6.3–6.7.6 and 6.14.18–6.14.27, 7.0.19–7.0.37: every file brotli-decoded, exact hash, a failed file fails the update (6.14.26:A/DownloadService.java:237,408-418; 6.5.0:A/DownloadService.java:439). */
const DELTA_BROTLI: DeltaSupport = { form: 'brotli', brNames: true };
// No delta (null): builds without manifest code; Android 6.7.7–6.14.17, 7.0.2–7.0.18 and Feb-2025 8.0.x, which log a failed file and
// report success without it (7.0.2:A/DownloadService.java:101-102,218-223); iOS before 6.25.3 / 7.26, which leave out a file whose download
// failed and install the rest (7.0.2:iP/CapacitorUpdater.swift:496-498, 7.24.0:iS/CapgoUpdater.swift:525).

const OLD: Traits = { ...CRC_ONLY, keyId: false, builtin: false, keepsChannel: false, retryAfter: false, delta: null };
const LATER: Omit<Traits, 'plain' | 'plainWithKey' | 'encrypted'> = {
  defaultChannelKey: true,
  keyId: false,
  builtin: true,
  keepsChannel: false,
  retryAfter: false,
  delta: DELTA,
};

function row(platform: 'android' | 'ios', reports: string, name: string, traits: Traits): PluginBuild {
  return { name: `${platform === 'android' ? 'Android' : 'iOS'} ${name}`, platform, reports, ...traits };
}
function both(reports: string, name: string, traits: Traits): PluginBuild[] {
  return [row('android', reports, name, traits), row('ios', reports, name, traits)];
}
type PlatformTraits = Pick<Traits, 'plain' | 'plainWithKey'> & Partial<Pick<Traits, 'delta'>>;
function pair(reports: string, name: string, common: Omit<Traits, 'plain' | 'plainWithKey'>, android: PlatformTraits, ios: PlatformTraits): PluginBuild[] {
  return [row('android', reports, name, { ...common, ...android }), row('ios', reports, name, { ...common, ...ios })];
}

/** What a plugin that says nothing of itself, or a version newer than any known, is taken to be: the newest. */
export const NEWEST_BUILDS: readonly PluginBuild[] = both('>=8.51.23', '8.51.23+', {
  ...LATER,
  ...SHA_REQUIRED,
  encrypted: 'v3',
  keepsChannel: true,
  keyId: true,
  retryAfter: true,
});

export const PLUGIN_BUILDS: readonly PluginBuild[] = [
  // Before 5: Capacitor 3/4 plugins, taken as the oldest 5.x.
  ...both('<5.0.0', 'before 5.0', OLD),
  // 5.0.0 → 5.4: no defaultChannel key yet (5.0.0:A/CapacitorUpdater.java:712-726); it comes with 5.5.0 (5.5.0:A/CapacitorUpdater.java:767).
  ...both('>=5.0.0 <5.5.0', '5.0–5.4', { ...OLD, defaultChannelKey: false }),
  ...both('>=5.5.0 <5.10.0', '5.5–5.9', { ...OLD, defaultChannelKey: true }),
  // 5.10.0 (7233d9de): SHA-256, legacy checksum reader, builtin (7233d9de:A/CapgoUpdater.java:399-406, A/CryptoCipher.java:188-193).
  ...pair('>=5.10.0 <5.30.0', '5.10', { ...LATER, encrypted: 'legacy', delta: DELTA_NO_BR }, SHA_A, SHA_I),
  // 5.30.0 (d9a2b25c): the V3 reader, hex out (d9a2b25c:A/CryptoCipher.java:200-216, iS/CryptoCipher.swift:44-77).
  ...pair('>=5.30.0 <5.31.0', '5.30', { ...LATER, encrypted: 'v3', delta: DELTA_NO_BR }, SHA_A, SHA_I),
  // "5.31.0" is sent by 5.31.0 (775d4c81), which does not keep setChannel's choice, and by 5.34.0 (211b5a06:A/CapacitorUpdaterPlugin.java:75), which does.
  ...pair('5.31.0', '5.31.0', { ...LATER, encrypted: 'v3', delta: DELTA_NO_BR }, SHA_A, SHA_I),
  ...pair('5.31.0', '5.34.0', { ...LATER, encrypted: 'v3', keepsChannel: true, delta: DELTA_NO_BR }, SHA_A, SHA_I),
  ...pair('>5.31.0 <5.37.0', '5.35–5.36', { ...LATER, encrypted: 'v3', keepsChannel: true, delta: DELTA_NO_BR }, SHA_A, SHA_I),
  // key_id from 5.37.0, only with a public key (9e013665:A/CapgoUpdater.java:851); the delta rules of 8.42.7 from 5.42.3 (fdef3fa6:A/DownloadService.java).
  ...pair('>=5.37.0 <5.42.3', '5.37–5.50', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true, delta: DELTA_NO_BR }, SHA_A, SHA_I),
  ...pair('>=5.42.3 <6.0.0', '5.37–5.50', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true }, SHA_A, SHA_I),

  // 6.0.0 was published twice: c3d23257 (no defaultChannel key) and d9c61fe2 (with it).
  ...both('6.0.0', '6.0.0 (May 2023)', { ...OLD, defaultChannelKey: false }),
  ...both('>=6.0.0 <6.1.18', '6.0–6.1.17', { ...OLD, defaultChannelKey: true }),
  // 6.1.18: public-key (V2) decryption with the legacy reader (6.1.18:A/CapacitorUpdater.java:366-375); builtin only from 6.2.0 (6.2.0:A/CapacitorUpdaterPlugin.java:1153).
  // Manifest code arrives in 6.3.0 (6.3.0:A/CapacitorUpdaterPlugin.java has("manifest")); delta eras as at DELTA_BROTLI and null above.
  row('android', '>=6.1.18 <6.2.0', '6.1.18–6.1.34', { ...LATER, ...CRC_A, builtin: false, delta: null }),
  row('ios', '>=6.1.18 <6.2.0', '6.1.18–6.1.34', { ...LATER, ...CRC_I_SECKEY, builtin: false, delta: null }),
  row('android', '>=6.2.0 <6.3.0', '6.2–6.14.27', { ...LATER, ...CRC_A, delta: null }),
  row('android', '>=6.3.0 <6.7.7', '6.2–6.14.27', { ...LATER, ...CRC_A, delta: DELTA_BROTLI }),
  row('android', '>=6.7.7 <6.14.18', '6.2–6.14.27', { ...LATER, ...CRC_A, delta: null }),
  row('android', '>=6.14.18 <6.14.28', '6.2–6.14.27', { ...LATER, ...CRC_A, delta: DELTA_BROTLI }),
  row('ios', '>=6.2.0 <6.14.18', '6.2–6.14.11', { ...LATER, ...CRC_I_SECKEY, delta: null }),
  row('ios', '>=6.14.18 <6.14.28', '6.14.18–6.14.27', { ...LATER, ...CRC_I, delta: null }),
  // 6.14.28: SHA-256 (6.14.28:A/CapgoUpdater.java:400, iS/CapgoUpdater.swift:739); 6.14.32–6.14.36 report 6.14.31.
  ...pair('>=6.14.28 <6.25.3', '6.14.28–6.27.11', { ...LATER, encrypted: 'legacy' }, { ...SHA_A, delta: DELTA_NO_BR }, { ...SHA_I, delta: null }),
  ...pair('>=6.25.3 <6.34.0', '6.14.28–6.27.11', { ...LATER, encrypted: 'legacy', delta: DELTA_NO_BR }, SHA_A, SHA_I),
  // "6.27.11" is also sent by 6.34.0 on Android (no plain hash, V3, keeps the channel: c18bb412:A/CapacitorUpdaterPlugin.java:75)
  // and by 6.30.0 on iOS (V3: 5f9be52d:iS/CapacitorUpdaterPlugin.swift:57); the other platform of each does not compile.
  row('android', '6.27.11', '6.34.0', { ...LATER, ...NO_HASH_A_V6, encrypted: 'v3', keepsChannel: true, delta: DELTA_NO_BR }),
  row('ios', '6.27.11', '6.30.0', { ...LATER, ...SHA_I, encrypted: 'v3', delta: DELTA_NO_BR }),
  row('android', '>=6.34.0 <6.43.0', '6.35–6.42.9', { ...LATER, ...NO_HASH_A_V6, encrypted: 'v3', keepsChannel: true, keyId: true, delta: DELTA_NO_BR }),
  row('ios', '>=6.34.0 <6.43.0', '6.37–6.42.9', { ...LATER, ...SHA_I, encrypted: 'v3', keepsChannel: true, keyId: true, delta: DELTA_NO_BR }),
  // 6.43.5 is main's 8.43.5 (and reports it); later v6 builds follow main.
  ...pair('>=6.43.0 <6.51.15', '6.43–6.50', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true }, SHA_A, SHA_I),
  ...pair('>=6.51.15 <7.0.0', '6.51.15+', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true, retryAfter: true }, SHA_A, SHA_I),

  // 7.0.0/7.0.1 are Capacitor-6 code from an accidental major bump (7.0.0:package.json:59): CRC32, no builtin.
  ...both('>=7.0.0 <7.0.2', '7.0.0–7.0.1', { ...OLD, defaultChannelKey: true }),
  // Delta on Android: none to 7.0.18, every file brotli 7.0.19–7.0.37, `.br` names from 7.0.38; on iOS none to 7.25.
  ...pair('>=7.0.2 <7.0.19', '7.0.2–7.0.29', { ...LATER, encrypted: 'legacy', delta: null }, NO_HASH_A, SHA_I_SECKEY),
  ...pair('>=7.0.19 <7.0.30', '7.0.2–7.0.29', { ...LATER, encrypted: 'legacy' }, { ...NO_HASH_A, delta: DELTA_BROTLI }, { ...SHA_I_SECKEY, delta: null }),
  // 7.0.30 hashes unencrypted bundles on Android (7.0.30:A/CapacitorUpdater.java:328-330); 7.0.37 moves iOS to the BigInt RSA.
  ...pair('>=7.0.30 <7.0.37', '7.0.30–7.0.36', { ...LATER, encrypted: 'legacy' }, { ...SHA_A, delta: DELTA_BROTLI }, { ...SHA_I_SECKEY, delta: null }),
  ...pair('7.0.37', '7.0.37–7.29', { ...LATER, encrypted: 'legacy' }, { ...SHA_A, delta: DELTA_BROTLI }, { ...SHA_I, delta: null }),
  ...pair('>=7.0.38 <7.26.0', '7.0.37–7.29', { ...LATER, encrypted: 'legacy' }, { ...SHA_A, delta: DELTA_NO_BR }, { ...SHA_I, delta: null }),
  ...pair('>=7.26.0 <7.30.0', '7.0.37–7.29', { ...LATER, encrypted: 'legacy', delta: DELTA_NO_BR }, SHA_A, SHA_I),
  ...pair('>=7.30.0 <7.34.0', '7.30–7.33', { ...LATER, encrypted: 'v3', delta: DELTA_NO_BR }, SHA_A, SHA_I),
  // 7.34.0 keeps the channel (7.34.0:A/CapgoUpdater.java:1044, iS/CapgoUpdater.swift:1176).
  ...pair('>=7.34.0 <7.37.0', '7.34–7.36', { ...LATER, encrypted: 'v3', keepsChannel: true, delta: DELTA_NO_BR }, SHA_A, SHA_I),
  ...pair('>=7.37.0 <7.51.13', '7.37–7.50', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true }, SHA_A, SHA_I),
  ...pair('>=7.51.13 <8.0.0', '7.51.13+', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true, retryAfter: true }, SHA_A, SHA_I),

  // "8.0.0", "9.0.0", "10.0.0" of May 2023 (f36fc8c3, 5f22669a, 8384628d): Capacitor-5 code, no defaultChannel key.
  ...both('8.0.0 || 9.0.0 || 10.0.0', '8.0.0/9.0.0/10.0.0 (May 2023)', { ...OLD, defaultChannelKey: false }),
  // "8.0.0"/"8.0.1" of Feb 2025 (7b50db23, 784a08b9): 7.0.x code; their HTTP clients send no CapacitorUpdater User-Agent.
  ...pair('>=8.0.0 <8.0.2', '8.0.0/8.0.1 (Feb 2025)', { ...LATER, encrypted: 'legacy', userAgent: 'theirs', delta: null }, NO_HASH_A, SHA_I_SECKEY),
  // "8.0.0" of Dec 2025 and package 8.1.0 (5e133cd2, f2509156) are the 7.36.1 plugin.
  ...pair('8.0.0', '8.1.0', { ...LATER, encrypted: 'v3', keepsChannel: true, userAgent: 'ours' }, SHA_A, SHA_I),
  // 8.2.0: key_id (8.2.0:A/CapgoUpdater.java:827-829).
  ...pair('>=8.0.2 <8.51.5', '8.2–8.51.4', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true }, SHA_A, SHA_I),
  // 8.51.5: Retry-After instead of the latch (8.51.14:A/CapgoUpdater.java:129,2010-2113).
  ...pair('>=8.51.5 <8.51.23', '8.51.5–8.51.22', { ...LATER, encrypted: 'v3', keepsChannel: true, keyId: true, retryAfter: true }, SHA_A, SHA_I),
  ...NEWEST_BUILDS,
];
