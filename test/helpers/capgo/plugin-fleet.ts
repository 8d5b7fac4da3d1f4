import type { BreakingEvents, StopRule } from './plugin-answers.js';
import {
  ANDROID_8_51_14,
  ANDROID_BR_SUFFIX,
  ANDROID_BR_SUFFIX_OLD,
  ANDROID_BR_SUFFIX_OLD_790,
  ANDROID_CI,
  ANDROID_CONTAINED,
  ANDROID_EVERY_FILE,
  ANDROID_EVERY_FILE_SWALLOW,
  IOS_8_51_14,
  IOS_BR_SUFFIX,
  IOS_BR_SUFFIX_FAILS,
  IOS_BR_SUFFIX_OLD,
  IOS_BR_SUFFIX_OLD_AF,
  IOS_CONTAINED,
  IOS_EVERY_FILE,
  IOS_EVERY_FILE_NO_SHORTCUTS,
  IOS_NPM_LATEST,
  IOS_VERIFIED,
  type DeltaRules,
} from './plugin-delta.js';
import { legacyAndroid, legacyIosBigInt, legacyIosSecKey, v3Android, v3AndroidStrict, v3Ios, v3IosStrict, type ChecksumReader } from './plugin-crypto.js';
import type { InstallRules } from './plugin-install.js';
import { pluginModel, type ModelSpec, type On429, type PluginModel } from './plugin-model.js';

/**
 * The capacitor-updater builds in the field, one model per behaviour that differs
 * towards a server, from 5.0.0 to the newest published 8.51.x. Each is read from the
 * plugin's source at the build's tag or commit (Cap-go/capacitor-updater; `npm:` = the
 * published tarball, for versions newer than the repository's tags); `source` cites
 * the version constant, and the era presets below cite the behaviour. The findings
 * behind every row are in docs/CAPGO_PLUGINS.md.
 */

type Install = Omit<InstallRules, 'platform'>;

// What a build checks before installing (plugin-install.ts has the rules).
/** CRC32 compared when non-empty; V1 (private-key) decryption only (5.0.0:A/CapacitorUpdater.java:336,353-357,475-477). */
const CRC_V1: Install = { plainHash: 'crc32', androidRule: 'old', checksumRequired: false, reader: null, iosDecryptsEveryChecksum: false };
/** Same, where a V2 session key crashes iOS (5.0.0:iP/CapacitorUpdater.swift:366-370; f36fc8c3:iP/CapacitorUpdater.swift:366-367). */
const CRC_V1_CRASH: Install = { ...CRC_V1, v1CrashesOnSessionKey: true };
/** Android 6.1.18 → 6.14.27: CRC32 for plain bundles, public-key decryption with the legacy reader (6.1.32:A/CapacitorUpdater.java:330-377). */
const CRC_LEGACY_A: Install = { plainHash: 'crc32', androidRule: 'new', checksumRequired: false, reader: legacyAndroid, iosDecryptsEveryChecksum: false };
/** iOS 6.1.18 → 6.14.27: CRC32 for plain bundles; every checksum "decrypted" once a key is set (6.1.32:iP/CapacitorUpdaterPlugin.swift:732-735). */
const crcLegacyI = (reader: ChecksumReader): Install => ({ plainHash: 'crc32', androidRule: 'new', checksumRequired: false, reader, iosDecryptsEveryChecksum: true });
/** Android SHA-256; `checksum_required` with a key and no checksum (6.14.28:A/CapgoUpdater.java:380-407, 8.51.14:A/CapgoUpdater.java:831-856). */
const shaA = (reader: ChecksumReader, checksumRequired = true): Install => ({ plainHash: 'sha256', androidRule: 'new', checksumRequired, reader, iosDecryptsEveryChecksum: false });
/** iOS SHA-256, every checksum decrypted once a key is set (7.0.2:iP/CapacitorUpdaterPlugin.swift:808, 8.51.14:iS/CapacitorUpdaterPlugin.swift:4405-4408). */
const shaI = (reader: ChecksumReader): Install => ({ plainHash: 'sha256', androidRule: 'new', checksumRequired: false, reader, iosDecryptsEveryChecksum: true });
/** Android with no hash of a plain bundle (7.0.2:A/CapacitorUpdater.java:320-332; 6.34.0 adds checksum_required: c18bb412:A/CapgoUpdater.java:401-413). */
const noHashA = (reader: ChecksumReader, checksumRequired: boolean): Install => ({
  plainHash: 'none',
  androidRule: 'new',
  checksumRequired,
  reader,
  iosDecryptsEveryChecksum: false,
});

interface Era {
  readonly stop: StopRule;
  readonly events: BreakingEvents;
  readonly builtin: boolean;
  readonly sendsDefaultChannel: boolean;
  readonly keyIdLength: 0 | 4 | 20;
  readonly sendsInstallSource: boolean;
  readonly userAgent: boolean;
  readonly persistsChannel: boolean;
  readonly on429: On429;
}

/**
 * Our User-Agent on update checks: Android once they go through `DownloadService.sharedClient`
 * (7233d9de:A/CapgoUpdater.java:833, 6.14.28:A/CapgoUpdater.java:807, 7.24.0:A/CapgoUpdater.java:825;
 * not 7.9.0, whose own client has no interceptor: 7.9.0:A/CapacitorUpdaterPlugin.java:156-161), iOS once
 * they use `alamofireSession` (7.9.0:iP/CapgoUpdater.swift:263, 6.14.28:iS/CapgoUpdater.swift:292). None of
 * the message-era builds has the header at all (no "User-Agent" in 5.9.5, 6.14.26, 7.0.38, 7b50db23).
 */
const MESSAGE_ERA: Era = {
  stop: 'message',
  events: 'major-on-message',
  builtin: false,
  sendsDefaultChannel: true,
  keyIdLength: 0,
  sendsInstallSource: false,
  userAgent: false,
  persistsChannel: false,
  on429: 'nothing',
};
const ERROR_ERA: Era = { ...MESSAGE_ERA, stop: 'error', events: 'none', builtin: true, userAgent: true };

function model(platform: 'android' | 'ios', build: string, reports: string, source: string, era: Era, install: Install): PluginModel {
  const delta = DELTA[`${platform} ${build}`];
  if (delta === undefined) throw new Error(`no delta rules for ${platform} ${build}`);
  const spec: ModelSpec = { platform, build, reports, source, ...era, install, delta };
  return pluginModel(spec);
}

/**
 * What each build does with an answer's `manifest` (plugin-delta.ts has the rules and
 * their citations; docs/plugin-source-notes/plugin-delta.md the per-build evidence).
 * null: no manifest code at all (before 6.3.0 / 7.0.2; 7.0.0/7.0.1 and May-2023 8/10 are
 * Capacitor-5/6 code; the 5.x line before 5.10): the key is ignored and the zip installed.
 */
const DELTA: Record<string, DeltaRules | null> = {
  // 5.x: no manifest before 5.10 (no "manifest" in 5.9.5:A/ or :iP/).
  'android 5.0.0': null,
  'ios 5.0.0': null,
  'android 5.9.5': null,
  'ios 5.9.5': null,
  // 5.10–5.34: `.br` era, reuse keeps `.br` (7233d9de:A/DownloadService.java:305; 7233d9de:iS/CapgoUpdater.swift downloadManifest).
  'android 5.10.0': ANDROID_BR_SUFFIX_OLD,
  'ios 5.10.0': IOS_BR_SUFFIX_FAILS,
  'android 5.30.0': ANDROID_BR_SUFFIX_OLD,
  'ios 5.30.0': IOS_BR_SUFFIX_FAILS,
  'android 5.31.0': ANDROID_BR_SUFFIX_OLD,
  'ios 5.31.0': IOS_BR_SUFFIX_FAILS,
  'android 5.34.0': ANDROID_BR_SUFFIX_OLD,
  'ios 5.34.0': IOS_BR_SUFFIX_FAILS,
  // 5.43.3 / 5.45.10: main's 8.42.7+ manifest code (fdef3fa6:A/DownloadService.java:291-337,699; 47f16e4e:A/DownloadService.java:316).
  'android 5.43.3': ANDROID_CI,
  'ios 5.43.3': IOS_VERIFIED,
  'android 5.45.10': ANDROID_CI,
  'ios 5.45.10': IOS_VERIFIED,
  'android 5.50.2': ANDROID_CONTAINED,
  'ios 5.50.2': IOS_CONTAINED,
  // 6.x: manifest from 6.3.0 (6.3.0:A/CapacitorUpdaterPlugin.java:1311; 6.2.9 has none).
  'android 6.0.0 (c3d23257)': null,
  'ios 6.0.0 (c3d23257)': null,
  'android 6.0.1': null,
  'ios 6.1.17': null,
  'android 6.1.32': null,
  'ios 6.1.32': null,
  'android 6.2.0': null,
  'ios 6.2.0': null,
  'ios 6.14.11': IOS_EVERY_FILE_NO_SHORTCUTS,
  'android 6.14.26': ANDROID_EVERY_FILE,
  'ios 6.14.26': IOS_EVERY_FILE,
  'android 6.14.28': ANDROID_BR_SUFFIX_OLD,
  'android 6.14.36': ANDROID_BR_SUFFIX_OLD,
  'ios 6.14.36': IOS_BR_SUFFIX_OLD,
  'android 6.25.5': ANDROID_BR_SUFFIX_OLD,
  'android 6.27.11': ANDROID_BR_SUFFIX_OLD,
  'ios 6.27.11': IOS_BR_SUFFIX_FAILS,
  'android 6.34.0': ANDROID_BR_SUFFIX_OLD,
  'ios 6.30.0': IOS_BR_SUFFIX_FAILS,
  'android 6.39.0': ANDROID_BR_SUFFIX,
  'ios 6.39.0': IOS_BR_SUFFIX,
  'android 6.42.9': ANDROID_CI,
  'android 6.43.5': ANDROID_CI,
  'ios 6.43.5': IOS_VERIFIED,
  'android 6.50.2': ANDROID_CONTAINED,
  'ios 6.51.16': IOS_NPM_LATEST,
  // 7.x: none in 7.0.0/7.0.1 (Capacitor-6 code), manifest from 7.0.2 (7.0.2:A/CapacitorUpdaterPlugin.java:1160).
  'android 7.0.0': null,
  'ios 7.0.1': null,
  'android 7.0.2': ANDROID_EVERY_FILE_SWALLOW,
  'ios 7.0.2': IOS_EVERY_FILE_NO_SHORTCUTS,
  'android 7.0.29': ANDROID_EVERY_FILE,
  'android 7.0.30': ANDROID_EVERY_FILE,
  'ios 7.0.30': IOS_EVERY_FILE,
  'ios 7.0.38': IOS_BR_SUFFIX_OLD_AF,
  'android 7.9.0': ANDROID_BR_SUFFIX_OLD_790,
  'ios 7.9.0': IOS_BR_SUFFIX_OLD,
  'android 7.24.0': ANDROID_BR_SUFFIX_OLD,
  'ios 7.24.0': IOS_BR_SUFFIX_OLD,
  'android 7.29.0': ANDROID_BR_SUFFIX_OLD,
  'ios 7.29.0': IOS_BR_SUFFIX_FAILS,
  'android 7.30.0': ANDROID_BR_SUFFIX_OLD,
  'ios 7.30.0': IOS_BR_SUFFIX_FAILS,
  'android 7.33.4': ANDROID_BR_SUFFIX_OLD,
  'android 7.34.0': ANDROID_BR_SUFFIX_OLD,
  'ios 7.36.1': IOS_BR_SUFFIX,
  'android 7.41.1': ANDROID_BR_SUFFIX,
  'ios 7.45.10': IOS_VERIFIED,
  'android 7.50.2': ANDROID_CONTAINED,
  'ios 7.50.2': IOS_CONTAINED,
  'android 7.51.21': ANDROID_8_51_14,
  // May 2023 8/10: Capacitor-5 code, no manifest. Feb 2025 8.0.x: 7.0.2's manifest code (7b50db23:A/DownloadService.java:163,400,415).
  'android 8.0.0 (May 2023)': null,
  'ios 8.0.0 (May 2023)': null,
  'android 10.0.0 (May 2023)': null,
  'android 8.0.0 (Feb 2025)': ANDROID_EVERY_FILE_SWALLOW,
  'ios 8.0.0 (Feb 2025)': IOS_EVERY_FILE_NO_SHORTCUTS,
  'android 8.0.1': ANDROID_EVERY_FILE_SWALLOW,
  'android 8.1.0': ANDROID_BR_SUFFIX,
  'ios 8.1.0': IOS_BR_SUFFIX,
  'android 8.2.0': ANDROID_BR_SUFFIX,
  'ios 8.2.0': IOS_BR_SUFFIX,
  'android 8.40.7': ANDROID_BR_SUFFIX,
  'android 8.41.3': ANDROID_BR_SUFFIX,
  'ios 8.41.3': IOS_BR_SUFFIX,
  'android 8.45.11': ANDROID_CI,
  'ios 8.45.11': IOS_VERIFIED,
  'android 8.46.0': ANDROID_CI,
  'ios 8.46.0': IOS_VERIFIED,
  'android 8.51.4': ANDROID_CONTAINED,
  'ios 8.51.4': IOS_CONTAINED,
  'android 8.51.14': ANDROID_8_51_14,
  'ios 8.51.14': IOS_8_51_14,
  'android 8.51.23': ANDROID_8_51_14,
  'ios 8.51.23': IOS_NPM_LATEST,
};

const A = 'android';
const I = 'ios';

/** The Android 429 latch (7.30.0:A/CapgoUpdater.java:869), and iOS's from 8.45.11 / x.50.1 (8.45.11:iS/CapgoUpdater.swift:806, 5.50.1:iS/CapgoUpdater.swift:858). */
const latch: On429 = 'latch';

export const FLEET: readonly PluginModel[] = [
  // ---- 5.x ----
  model(A, '5.0.0', '5.0.0', '5.0.0:A/CapacitorUpdaterPlugin.java:58', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1),
  model(I, '5.0.0', '5.0.0', '5.0.0:iP/CapacitorUpdaterPlugin.swift:18', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1_CRASH),
  model(A, '5.9.5', '5.9.5', '5.9.5:A/CapacitorUpdaterPlugin.java:58', MESSAGE_ERA, CRC_V1),
  model(I, '5.9.5', '5.9.5', '5.9.5:iP/CapacitorUpdaterPlugin.swift:18', MESSAGE_ERA, CRC_V1),
  // 5.10.0 (7233d9de): error-only stop (7233d9de:A/CapacitorUpdaterPlugin.java:1644), SHA-256, legacy reader, the 429 latch.
  model(A, '5.10.0', '5.10.0', '7233d9de:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(legacyAndroid)),
  model(I, '5.10.0', '5.10.0', '7233d9de:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(legacyIosBigInt)),
  // 5.30.0 (d9a2b25c): the V3 reader (d9a2b25c:A/CryptoCipher.java:200-216).
  model(A, '5.30.0', '5.30.0', 'd9a2b25c:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(v3Android)),
  model(I, '5.30.0', '5.30.0', 'd9a2b25c:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(v3Ios)),
  // "5.31.0": 5.31.0 (775d4c81) does not keep setChannel's channel; 5.34.0 (211b5a06) does and reports 5.31.0 too.
  model(A, '5.31.0', '5.31.0', '775d4c81:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(v3Android)),
  model(I, '5.31.0', '5.31.0', '775d4c81:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(v3Ios)),
  model(A, '5.34.0', '5.31.0', '211b5a06:A/CapacitorUpdaterPlugin.java:75', { ...ERROR_ERA, on429: latch, persistsChannel: true }, shaA(v3Android)),
  model(I, '5.34.0', '5.31.0', '211b5a06:iS/CapacitorUpdaterPlugin.swift:57', { ...ERROR_ERA, persistsChannel: true }, shaI(v3Ios)),
  // 5.43.3 (fdef3fa6): key_id of 20 characters, the 256-byte rule (2c3e6655:A/CryptoCipher.java:224).
  model(A, '5.43.3', '5.43.3', 'fdef3fa6:A/CapacitorUpdaterPlugin.java:87', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 20 }, shaA(v3AndroidStrict)),
  model(I, '5.43.3', '5.43.3', 'fdef3fa6:iS/CapacitorUpdaterPlugin.swift:76', { ...ERROR_ERA, persistsChannel: true, keyIdLength: 20 }, shaI(v3IosStrict)),
  // 5.45.10 (47f16e4e): error-or-kind, no breaking events; iOS does not latch on an update check (47f16e4e:iS/CapgoUpdater.swift:529-558).
  model(
    A,
    '5.45.10',
    '5.45.10',
    '47f16e4e:A/CapacitorUpdaterPlugin.java:92',
    { ...ERROR_ERA, stop: 'error-or-kind', on429: latch, persistsChannel: true, keyIdLength: 20 },
    shaA(v3AndroidStrict),
  ),
  model(I, '5.45.10', '5.45.10', '47f16e4e:iS/CapacitorUpdaterPlugin.swift:75', { ...ERROR_ERA, stop: 'error-or-kind', persistsChannel: true, keyIdLength: 20 }, shaI(v3IosStrict)),
  // 5.50.2 reports 5.50.1 (5.50.2:A/CapacitorUpdaterPlugin.java:145): install_source, breaking events, iOS latch.
  model(
    A,
    '5.50.2',
    '5.50.1',
    '5.50.2:A/CapacitorUpdaterPlugin.java:145',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaA(v3AndroidStrict),
  ),
  model(
    I,
    '5.50.2',
    '5.50.1',
    '5.50.2:iS/CapacitorUpdaterPlugin.swift:88',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'ios-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaI(v3IosStrict),
  ),

  // ---- 6.x ----
  // npm 6.0.0 was published from c3d23257 (May 2023, no defaultChannel key) and d9c61fe2 (2024).
  model(A, '6.0.0 (c3d23257)', '6.0.0', 'c3d23257:A/CapacitorUpdaterPlugin.java:58', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1),
  model(I, '6.0.0 (c3d23257)', '6.0.0', 'c3d23257:iP/CapacitorUpdaterPlugin.swift:18', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1_CRASH),
  model(A, '6.0.1', '6.0.1', '6.0.1:A/CapacitorUpdaterPlugin.java:58', MESSAGE_ERA, CRC_V1),
  model(I, '6.1.17', '6.1.17', '6.1.17:iP/CapacitorUpdaterPlugin.swift:19', MESSAGE_ERA, CRC_V1),
  // 6.1.18 → 6.1.34: public-key decryption (legacy), still no builtin (6.1.32:A/CapacitorUpdaterPlugin.java:1151-1162).
  model(A, '6.1.32', '6.1.32', '6.1.32:A/CapacitorUpdaterPlugin.java:56', MESSAGE_ERA, CRC_LEGACY_A),
  model(I, '6.1.32', '6.1.32', '6.1.32:iP/CapacitorUpdaterPlugin.swift:19', MESSAGE_ERA, crcLegacyI(legacyIosSecKey)),
  // 6.2.0: builtin (6.2.0:A/CapacitorUpdaterPlugin.java:1153, 6.2.0:iP/CapacitorUpdaterPlugin.swift:699).
  model(A, '6.2.0', '6.2.0', '6.2.0:A/CapacitorUpdaterPlugin.java:56', { ...MESSAGE_ERA, builtin: true }, CRC_LEGACY_A),
  model(I, '6.2.0', '6.2.0', '6.2.0:iP/CapacitorUpdaterPlugin.swift:19', { ...MESSAGE_ERA, builtin: true }, crcLegacyI(legacyIosSecKey)),
  model(I, '6.14.11', '6.14.11', '6.14.11:iP/CryptoCipherV2.swift:210', { ...MESSAGE_ERA, builtin: true }, crcLegacyI(legacyIosSecKey)),
  // 6.14.26: error first, then message (6.14.26:A/CapacitorUpdaterPlugin.java:1051,1079); iOS on the BigInt RSA (6.14.18+).
  model(A, '6.14.26', '6.14.26', '6.14.26:A/CapacitorUpdaterPlugin.java:60', { ...MESSAGE_ERA, stop: 'error-then-message', builtin: true }, CRC_LEGACY_A),
  model(I, '6.14.26', '6.14.26', '6.14.26:iP/CapacitorUpdaterPlugin.swift:48', { ...MESSAGE_ERA, stop: 'error-then-message', builtin: true }, crcLegacyI(legacyIosBigInt)),
  // 6.14.28: SHA-256 for plain bundles (6.14.28:A/CapgoUpdater.java:400, iS/CapgoUpdater.swift:739), the latch; 6.14.32–6.14.36 report 6.14.31.
  model(
    A,
    '6.14.28',
    '6.14.28',
    '6.14.28:A/CapacitorUpdaterPlugin.java:74',
    { ...ERROR_ERA, stop: 'error-then-message', events: 'breaking-on-message', on429: latch },
    shaA(legacyAndroid),
  ),
  model(
    A,
    '6.14.36',
    '6.14.31',
    '6.14.36:A/CapacitorUpdaterPlugin.java:74',
    { ...ERROR_ERA, stop: 'error-then-message', events: 'breaking-on-message', on429: latch },
    shaA(legacyAndroid),
  ),
  model(I, '6.14.36', '6.14.31', '6.14.36:iS/CapacitorUpdaterPlugin.swift:57', { ...ERROR_ERA, stop: 'error-then-message', events: 'breaking-on-message' }, shaI(legacyIosBigInt)),
  // 6.25.5: error only, message ignored (6.25.5:A/CapacitorUpdaterPlugin.java:1634-1648).
  model(A, '6.25.5', '6.25.5', '6.25.5:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(legacyAndroid)),
  model(A, '6.27.11', '6.27.11', '6.27.11:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(legacyAndroid)),
  model(I, '6.27.11', '6.27.11', '6.27.11:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(legacyIosBigInt)),
  // "6.27.11" is also sent by 6.34.0 on Android (no plain hash, V3, keeps the channel) and 6.30.0 on iOS (V3).
  model(A, '6.34.0', '6.27.11', 'c18bb412:A/CapacitorUpdaterPlugin.java:75', { ...ERROR_ERA, on429: latch, persistsChannel: true }, noHashA(v3Android, true)),
  model(I, '6.30.0', '6.27.11', '5f9be52d:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(v3Ios)),
  // 6.39.0 / 6.42.9: old v6, no plain hash on Android, key_id (fdc16c23, dea5c276).
  model(A, '6.39.0', '6.39.0', 'fdc16c23:A/CapacitorUpdaterPlugin.java:89', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 4 }, noHashA(v3Android, true)),
  model(I, '6.39.0', '6.39.0', 'fdc16c23:iS/CapacitorUpdaterPlugin.swift:63', { ...ERROR_ERA, persistsChannel: true, keyIdLength: 4 }, shaI(v3Ios)),
  model(A, '6.42.9', '6.42.9', 'dea5c276:A/CapacitorUpdaterPlugin.java:87', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 20 }, noHashA(v3AndroidStrict, true)),
  // 6.43.5 is main's 8.43.5 and reports it (73b5c9f9:A/CapacitorUpdaterPlugin.java:87).
  model(A, '6.43.5', '8.43.5', '73b5c9f9:A/CapacitorUpdaterPlugin.java:87', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 20 }, shaA(v3AndroidStrict)),
  model(I, '6.43.5', '8.43.5', '73b5c9f9:iS/CapacitorUpdaterPlugin.swift:75', { ...ERROR_ERA, persistsChannel: true, keyIdLength: 20 }, shaI(v3IosStrict)),
  model(
    A,
    '6.50.2',
    '6.50.1',
    '6.50.2:A/CapacitorUpdaterPlugin.java:145',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaA(v3AndroidStrict),
  ),
  // 6.51.16 (npm only): as 8.51.14, Retry-After (npm:6.51.16:A/CapacitorUpdaterPlugin.java:149).
  model(
    I,
    '6.51.16',
    '6.51.16',
    'npm:6.51.16:iS/CapacitorUpdaterPlugin.swift:99',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'ios-codes', on429: 'retry-after', persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaI(v3IosStrict),
  ),

  // ---- 7.x ----
  // 7.0.0/7.0.1: Capacitor-6 code (7.0.0:package.json:59), CRC32, V1 only, no builtin.
  model(A, '7.0.0', '7.0.0', '7.0.0:A/CapacitorUpdaterPlugin.java:58', MESSAGE_ERA, CRC_V1),
  model(I, '7.0.1', '7.0.1', '7.0.1:iP/CapacitorUpdaterPlugin.swift:18', MESSAGE_ERA, CRC_V1),
  // 7.0.2 → 7.0.29: Android hashes no plain bundle; iOS SecKey era (7.0.2:iP/CryptoCipherV2.swift:90,127-185).
  model(A, '7.0.2', '7.0.2', '7.0.2:A/CapacitorUpdaterPlugin.java:60', { ...MESSAGE_ERA, builtin: true }, noHashA(legacyAndroid, false)),
  model(I, '7.0.2', '7.0.2', '7.0.2:iP/CapacitorUpdaterPlugin.swift:48', { ...MESSAGE_ERA, builtin: true }, shaI(legacyIosSecKey)),
  model(A, '7.0.29', '7.0.29', '7.0.29:A/CapacitorUpdaterPlugin.java:60', { ...MESSAGE_ERA, builtin: true }, noHashA(legacyAndroid, false)),
  // 7.0.30: SHA-256 on Android (7.0.30:A/CapacitorUpdater.java:328-330); 7.0.37: iOS BigInt RSA.
  model(A, '7.0.30', '7.0.30', '7.0.30:A/CapacitorUpdaterPlugin.java:60', { ...MESSAGE_ERA, builtin: true }, shaA(legacyAndroid, false)),
  model(I, '7.0.30', '7.0.30', '7.0.30:iP/CapacitorUpdaterPlugin.swift:48', { ...MESSAGE_ERA, builtin: true }, shaI(legacyIosSecKey)),
  model(I, '7.0.38', '7.0.38', '7.0.38:iP/CapacitorUpdaterPlugin.swift:48', { ...MESSAGE_ERA, builtin: true }, shaI(legacyIosBigInt)),
  // 7.9.0: error, then message (7.9.0:A/CapacitorUpdaterPlugin.java:1226-1255).
  model(A, '7.9.0', '7.9.0', '7.9.0:A/CapacitorUpdaterPlugin.java:62', { ...MESSAGE_ERA, stop: 'error-then-message', builtin: true }, shaA(legacyAndroid)),
  model(I, '7.9.0', '7.9.0', '7.9.0:iP/CapacitorUpdaterPlugin.swift:89', { ...MESSAGE_ERA, stop: 'error-then-message', builtin: true, userAgent: true }, shaI(legacyIosBigInt)),
  // 7.24.0: breaking events on message answers, the latch (from 7.23.8: 7.23.8:A/CapgoUpdater.java:85,785-791).
  model(
    A,
    '7.24.0',
    '7.24.0',
    '7.24.0:A/CapacitorUpdaterPlugin.java:74',
    { ...ERROR_ERA, stop: 'error-then-message', events: 'breaking-on-message', on429: latch },
    shaA(legacyAndroid),
  ),
  model(I, '7.24.0', '7.24.0', '7.24.0:iS/CapacitorUpdaterPlugin.swift:57', { ...ERROR_ERA, stop: 'error-then-message', events: 'breaking-on-message' }, shaI(legacyIosBigInt)),
  // 7.29.0: error only (from 7.27.9: 7.27.9:A/CapacitorUpdaterPlugin.java:1629-1642), last legacy reader.
  model(A, '7.29.0', '7.29.0', '7.29.0:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(legacyAndroid)),
  model(I, '7.29.0', '7.29.0', '7.29.0:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(legacyIosBigInt)),
  // 7.30.0: the V3 reader (7.30.0:A/CryptoCipher.java:191-222, iS/CryptoCipher.swift:35-82).
  model(A, '7.30.0', '7.30.0', '7.30.0:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(v3Android)),
  model(I, '7.30.0', '7.30.0', '7.30.0:iS/CapacitorUpdaterPlugin.swift:57', ERROR_ERA, shaI(v3Ios)),
  model(A, '7.33.4', '7.33.4', '7.33.4:A/CapacitorUpdaterPlugin.java:74', { ...ERROR_ERA, on429: latch }, shaA(v3Android)),
  // 7.34.0: keeps the channel (7.34.0:A/CapgoUpdater.java:1044, iS/CapgoUpdater.swift:1176).
  model(A, '7.34.0', '7.34.0', '7.34.0:A/CapacitorUpdaterPlugin.java:75', { ...ERROR_ERA, on429: latch, persistsChannel: true }, shaA(v3Android)),
  model(I, '7.36.1', '7.36.1', '7.36.1:iS/CapacitorUpdaterPlugin.swift:57', { ...ERROR_ERA, persistsChannel: true }, shaI(v3Ios)),
  // 7.41.1 (71ffb44e): key_id of 20 characters (71ffb44e:A/CryptoCipher.java:377).
  model(A, '7.41.1', '7.41.1', '71ffb44e:A/CapacitorUpdaterPlugin.java:88', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 20 }, shaA(v3Android)),
  model(I, '7.45.10', '7.45.10', '9999f76c:iS/CapacitorUpdaterPlugin.swift:75', { ...ERROR_ERA, stop: 'error-or-kind', persistsChannel: true, keyIdLength: 20 }, shaI(v3IosStrict)),
  model(
    A,
    '7.50.2',
    '7.50.1',
    '7.50.2:A/CapacitorUpdaterPlugin.java:145',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaA(v3AndroidStrict),
  ),
  model(
    I,
    '7.50.2',
    '7.50.1',
    '7.50.2:iS/CapacitorUpdaterPlugin.swift:88',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'ios-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaI(v3IosStrict),
  ),
  model(
    A,
    '7.51.21',
    '7.51.21',
    'npm:7.51.21:A/CapacitorUpdaterPlugin.java:149',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: 'retry-after', persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaA(v3AndroidStrict),
  ),

  // ---- the accidental 8/9/10 of May 2023 and Feb 2025 ----
  // f36fc8c3 / 5f22669a / 8384628d: Capacitor-5 code, no defaultChannel key (f36fc8c3:A/CapacitorUpdater.java:712-726).
  model(A, '8.0.0 (May 2023)', '8.0.0', 'f36fc8c3:A/CapacitorUpdaterPlugin.java:58', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1),
  model(I, '8.0.0 (May 2023)', '8.0.0', 'f36fc8c3:iP/CapacitorUpdaterPlugin.swift:18', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1_CRASH),
  model(A, '10.0.0 (May 2023)', '10.0.0', '8384628d:A/CapacitorUpdaterPlugin.java:58', { ...MESSAGE_ERA, sendsDefaultChannel: false }, CRC_V1),
  // 7b50db23 / 784a08b9: 7.0.x code, their own HTTP clients' User-Agent (7b50db23:A/CapacitorUpdaterPlugin.java:137-142).
  model(A, '8.0.0 (Feb 2025)', '8.0.0', '7b50db23:A/CapacitorUpdaterPlugin.java:60', { ...MESSAGE_ERA, builtin: true }, noHashA(legacyAndroid, false)),
  model(I, '8.0.0 (Feb 2025)', '8.0.0', '7b50db23:iP/CapacitorUpdaterPlugin.swift:48', { ...MESSAGE_ERA, builtin: true }, shaI(legacyIosSecKey)),
  model(A, '8.0.1', '8.0.1', '784a08b9:A/CapacitorUpdaterPlugin.java:60', { ...MESSAGE_ERA, builtin: true }, noHashA(legacyAndroid, false)),
  // Package 8.1.0 (f2509156) is the 7.36.1 plugin reporting 8.0.0, with its User-Agent (f2509156:A/DownloadService.java:89-105).
  model(A, '8.1.0', '8.0.0', 'f2509156:A/CapacitorUpdaterPlugin.java:75', { ...ERROR_ERA, on429: latch, persistsChannel: true }, shaA(v3Android)),
  model(I, '8.1.0', '8.0.0', 'f2509156:iS/CapacitorUpdaterPlugin.swift:57', { ...ERROR_ERA, persistsChannel: true }, shaI(v3Ios)),

  // ---- 8.x ----
  // 8.2.0: key_id of 4 characters ("MIIB") when a key is set (8.2.0:A/CapgoUpdater.java:827-829, A/CryptoCipher.java:379).
  model(A, '8.2.0', '8.2.0', '8.2.0:A/CapacitorUpdaterPlugin.java:75', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 4 }, shaA(v3Android)),
  model(I, '8.2.0', '8.2.0', '8.2.0:iS/CapacitorUpdaterPlugin.swift:57', { ...ERROR_ERA, persistsChannel: true, keyIdLength: 4 }, shaI(v3Ios)),
  model(A, '8.40.7', '8.40.7', '8.40.7:A/CapacitorUpdaterPlugin.java:88', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 4 }, shaA(v3Android)),
  // 8.41.3: the 256-byte rule (8.41.3:A/CryptoCipher.java:224, iS/CryptoCipher.swift:75).
  model(A, '8.41.3', '8.41.3', '8.41.3:A/CapacitorUpdaterPlugin.java:88', { ...ERROR_ERA, on429: latch, persistsChannel: true, keyIdLength: 20 }, shaA(v3AndroidStrict)),
  model(I, '8.41.3', '8.41.3', '8.41.3:iS/CapacitorUpdaterPlugin.swift:63', { ...ERROR_ERA, persistsChannel: true, keyIdLength: 20 }, shaI(v3IosStrict)),
  // 8.45.11: error or kind; iOS latches on an update-check 429 (8.45.11:iS/CapgoUpdater.swift:806).
  model(
    A,
    '8.45.11',
    '8.45.11',
    '8.45.11:A/CapacitorUpdaterPlugin.java:92',
    { ...ERROR_ERA, stop: 'error-or-kind', on429: latch, persistsChannel: true, keyIdLength: 20 },
    shaA(v3AndroidStrict),
  ),
  model(
    I,
    '8.45.11',
    '8.45.11',
    '8.45.11:iS/CapacitorUpdaterPlugin.swift:77',
    { ...ERROR_ERA, stop: 'error-or-kind', on429: latch, persistsChannel: true, keyIdLength: 20 },
    shaI(v3IosStrict),
  ),
  // 8.46.0: Android breaking events on Capgo's codes (8.46.0:A/CapacitorUpdaterPlugin.java:221-233); iOS only from 8.46.2.
  model(
    A,
    '8.46.0',
    '8.46.0',
    '8.46.0:A/CapacitorUpdaterPlugin.java:99',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: latch, persistsChannel: true, keyIdLength: 20 },
    shaA(v3AndroidStrict),
  ),
  model(
    I,
    '8.46.0',
    '8.46.0',
    '8.46.0:iS/CapacitorUpdaterPlugin.swift:79',
    { ...ERROR_ERA, stop: 'error-or-kind', on429: latch, persistsChannel: true, keyIdLength: 20 },
    shaI(v3IosStrict),
  ),
  model(
    A,
    '8.51.4',
    '8.51.4',
    '8.51.4:A/CapacitorUpdaterPlugin.java:149',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaA(v3AndroidStrict),
  ),
  model(
    I,
    '8.51.4',
    '8.51.4',
    '8.51.4:iS/CapacitorUpdaterPlugin.swift:95',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'ios-codes', on429: latch, persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaI(v3IosStrict),
  ),
  // 8.51.5: Retry-After instead of the latch.
  model(
    A,
    '8.51.14',
    '8.51.14',
    '8.51.14:A/CapacitorUpdaterPlugin.java:149',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: 'retry-after', persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaA(v3AndroidStrict),
  ),
  model(
    I,
    '8.51.14',
    '8.51.14',
    '8.51.14:iS/CapacitorUpdaterPlugin.swift:99',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'ios-codes', on429: 'retry-after', persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    shaI(v3IosStrict),
  ),
  // 8.51.23 (npm only): a checksum always, and with a key a session key too.
  model(
    A,
    '8.51.23',
    '8.51.23',
    'npm:8.51.23:A/CapacitorUpdaterPlugin.java:149',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'android-codes', on429: 'retry-after', persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    { ...shaA(v3AndroidStrict), strict: true },
  ),
  model(
    I,
    '8.51.23',
    '8.51.23',
    'npm:8.51.23:iS/CapacitorUpdaterPlugin.swift:99',
    { ...ERROR_ERA, stop: 'error-or-kind', events: 'ios-codes', on429: 'retry-after', persistsChannel: true, keyIdLength: 20, sendsInstallSource: true },
    { ...shaI(v3IosStrict), strict: true },
  ),
];
