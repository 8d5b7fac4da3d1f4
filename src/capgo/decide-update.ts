// One function each, not semver's index (47 modules): what a function's first request loads (src/feed/version.ts).
import semverCoerce from 'semver/functions/coerce.js';
import semverLt from 'semver/functions/lt.js';
import { channelKey, type FeedSnapshot } from '../feed/feed-snapshot.js';
import type { FileRecord, VersionRecord } from '../feed/version-record.js';
import { compareVersions, parseStrictVersion } from '../feed/version.js';
import { deviceChannel } from './device-channel.js';
import type { PluginRequest } from './identify-plugin.js';
import { abilitiesFor, type ChecksumRefusal, type PluginAbilities } from './plugin-abilities.js';
import type { EncryptedForm } from './plugin-builds.js';
import { inRollout } from './rollout.js';
import { refusalMessage, resetUnsupportedMessage, storeUpdateMessage } from './update-messages.js';

/** An update to offer: the plugin downloads `version` and checks it against `checksum`. */
export interface OfferUpdate {
  readonly kind: 'update';
  readonly version: VersionRecord;
  readonly file: FileRecord;
  readonly checksum: string;
  readonly sessionKey?: string;
}

/** Go back to the assets shipped in the app (the device runs a withdrawn bundle and none is left). */
export interface ResetToBuiltin {
  readonly kind: 'builtin';
}

/**
 * No update. `status` is the plugin's `kind`: `up_to_date` (nothing to do), `blocked`
 * (something the user or developer must do first) or `failed` (a misconfiguration).
 * `error` is a stable code; `message` says what is going on in words.
 */
export interface NoUpdate {
  readonly kind: 'none';
  readonly status: 'up_to_date' | 'blocked' | 'failed';
  readonly error: string;
  readonly message: string;
  /** For a store update: the bundle the device would get with a newer native app. */
  readonly storeUpdate?: { readonly version: string };
}

export type UpdateDecision = OfferUpdate | ResetToBuiltin | NoUpdate;

function nativeTooOld(file: FileRecord, versionBuild: string | undefined): boolean {
  if (!file.minNativeVersion) return false;
  const native = versionBuild ? semverCoerce(versionBuild) : null;
  const needed = semverCoerce(file.minNativeVersion);
  // A native version we cannot read is treated as too old: a bundle that needs newer native code crashes the app.
  return !native || !needed || semverLt(native, needed);
}

/** Plugins before 8.40.8 (and x.41.1) send 4 characters of the key id, later ones 20: the shorter must start the longer. */
function sameKey(deviceKeyId: string, bundleKeyId: string): boolean {
  return deviceKeyId.length <= bundleKeyId.length ? bundleKeyId.startsWith(deviceKeyId) : deviceKeyId.startsWith(bundleKeyId);
}

type Checked =
  | { readonly ok: true; readonly checksum: string; readonly sessionKey?: string }
  | { readonly ok: false; readonly reason: ChecksumRefusal; readonly carried: readonly EncryptedForm[]; readonly declared: boolean };

/**
 * The checksum this device's plugin verifies `file` with, or why none fits. An app that
 * declares whether its devices have a public key gets only bundles of that kind, even
 * ones published before it said so.
 */
function checksumFor(file: FileRecord, abilities: PluginAbilities, declared: boolean | undefined): Checked {
  const encryption = file.encryption;
  if (!encryption) {
    if (declared === true) return { ok: false, reason: 'encryption_required', carried: [], declared: true };
    // Every bundle has its SHA-256; its CRC32 only if it was published since the CRC32 was recorded.
    const choice = abilities.plainChecksum(file.crc32 ? ['sha256', 'crc32', 'empty'] : ['sha256', 'empty']);
    if (!choice.ok) return { ok: false, reason: choice.reason, carried: [], declared: false };
    return { ok: true, checksum: choice.form === 'sha256' ? file.sha256 : choice.form === 'crc32' ? file.crc32! : '' };
  }
  const carried: EncryptedForm[] = [...(encryption.checksum ? (['v3'] as const) : []), ...(encryption.legacyChecksum ? (['legacy'] as const) : [])];
  if (declared === false) return { ok: false, reason: 'public_key_missing', carried, declared: true };
  const choice = abilities.encryptedChecksum(carried);
  if (!choice.ok) return { ok: false, reason: choice.reason, carried, declared: false };
  const checksum = choice.form === 'v3' ? encryption.checksum! : encryption.legacyChecksum!;
  return { ok: true, checksum, sessionKey: encryption.sessionKey };
}

/**
 * What to answer a device's update check. Pure: the same device, feed and bundles
 * give the same answer, which is what makes rollouts stable.
 *
 * The device is offered the newest live bundle of its channel that it may run (native
 * version high enough, inside the rollout, a checksum its plugin can verify) whenever
 * that is not what it already runs, older included: that is how a withdrawn (yanked)
 * bundle is rolled back. A newer bundle it cannot take is reported (it is what the
 * developer must act on); an older one is simply not an option.
 */
export function decideUpdate(request: PluginRequest, snapshot: FeedSnapshot): UpdateDecision {
  const device = request.info;
  const app = snapshot.appsByPackageName.get(device.app_id);
  if (!app) {
    return { kind: 'none', status: 'failed', error: 'unknown_app', message: `No app with package name '${device.app_id}' in this feed; check appId in capacitor.config.` };
  }
  const chosen = deviceChannel(app, snapshot.manifest.channels, device.defaultChannel);
  if (!chosen.ok) return { kind: 'none', status: 'failed', error: chosen.error, message: chosen.message };
  const channel = chosen.channel;
  const bundles = snapshot.liveBundles.get(channelKey(app.id, channel.buildType)) ?? [];
  const abilities = abilitiesFor(request, app.encryptedBundles === false);
  const current = device.version_name;
  const runs = parseStrictVersion(current);
  const newer = (version: string) => runs === null || compareVersions(version, runs.version) > 0;

  // Why the device gets nothing newer, most telling first: a store update, another key, no checksum it can verify.
  let storeUpdate: VersionRecord | null = null;
  let keyMismatch: VersionRecord | null = null;
  let refused: Refused | null = null;
  const blocked = (): NoUpdate | null =>
    storeUpdate ? needsStoreUpdate(storeUpdate, channel.name) : keyMismatch ? otherKey(keyMismatch) : refused ? refusal(refused, abilities, device) : null;

  for (const bundle of bundles) {
    const file = bundle.file!;
    if (!inRollout({ deviceId: device.device_id, app: app.id, version: bundle.version, percent: bundle.rollout ?? 100 })) continue;
    // What the device runs needs no new check: it is installed already.
    if (bundle.version === current) {
      return blocked() ?? { kind: 'none', status: 'up_to_date', error: 'no_new_version_available', message: `${current} is the latest version on channel '${channel.name}'.` };
    }
    const reportable = newer(bundle.version);
    if (nativeTooOld(file, device.version_build)) {
      if (reportable) storeUpdate ??= bundle;
      continue;
    }
    if (file.encryption?.keyId && device.key_id && !sameKey(device.key_id, file.encryption.keyId)) {
      if (reportable) keyMismatch ??= bundle;
      continue;
    }
    const checked = checksumFor(file, abilities, app.encryptedBundles);
    if (!checked.ok) {
      if (reportable) refused ??= { bundle, reason: checked.reason, carried: checked.carried, declared: checked.declared };
      continue;
    }
    return { kind: 'update', version: bundle, file, checksum: checked.checksum, ...(checked.sessionKey ? { sessionKey: checked.sessionKey } : {}) };
  }

  // A withdrawn bundle goes before anything else: nothing may keep a device on it.
  const runsWithdrawn = snapshot.manifest.versions.some((v) => v.app === app.id && v.buildType === channel.buildType && v.version === current && v.yanked);
  if (runsWithdrawn) {
    return abilities.builtin
      ? { kind: 'builtin' }
      : { kind: 'none', status: 'blocked', error: 'reset_unsupported', message: resetUnsupportedMessage(current, device.plugin_version, device.platform) };
  }
  return blocked() ?? { kind: 'none', status: 'up_to_date', error: 'no_bundle', message: `No live-update bundle for this device on channel '${channel.name}'.` };
}

interface Refused {
  readonly bundle: VersionRecord;
  readonly reason: ChecksumRefusal;
  readonly carried: readonly EncryptedForm[];
  readonly declared: boolean;
}

function refusal(refused: Refused, abilities: PluginAbilities, device: PluginRequest['info']): NoUpdate {
  const context = { version: refused.bundle.version, abilities, carried: refused.carried, reported: device.plugin_version, platform: device.platform, declared: refused.declared };
  return { kind: 'none', status: 'blocked', error: refused.reason, message: refusalMessage(refused.reason, context) };
}

function otherKey(bundle: VersionRecord): NoUpdate {
  return { kind: 'none', status: 'blocked', error: 'encryption_key_mismatch', message: `Bundle ${bundle.version} is encrypted with another key than this app's public key.` };
}

/**
 * Capgo's own code for "this bundle needs a newer native app": Android 8.46+ raises
 * breakingAvailable/majorAvailable only for this `error` (with a `version`), iOS 8.46.2+
 * for it or `breaking: true`, message-first plugins for `major: true`.
 */
function needsStoreUpdate(bundle: VersionRecord, channel: string): NoUpdate {
  return {
    kind: 'none',
    status: 'blocked',
    error: 'disable_auto_update_to_major',
    message: storeUpdateMessage(bundle.version, channel, bundle.file?.minNativeVersion),
    storeUpdate: { version: bundle.version },
  };
}
