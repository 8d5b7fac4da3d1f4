import semver from 'semver';
import type { Channel } from '../feed/channels.js';
import { channelKey, type FeedSnapshot } from '../feed/feed-snapshot.js';
import type { ManifestApp } from '../feed/manifest.js';
import type { FileRecord, VersionRecord } from '../feed/version-record.js';
import type { DeviceInfo } from './device-request.js';
import { pluginAbilities, type PluginAbilities } from './plugin-abilities.js';
import { inRollout } from './rollout.js';

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

/** The channel a device follows: the one it asks for when it exists, else its app's default. */
export function channelFor(app: ManifestApp, channels: readonly Channel[], asked: string | null | undefined): Channel {
  const byName = (name: string) => channels.find((c) => c.name === name);
  return (asked ? byName(asked) : undefined) ?? byName(app.defaultChannel) ?? { id: 1, name: 'release', buildType: 'release', allowSelfSet: false };
}

function nativeTooOld(file: FileRecord, versionBuild: string | undefined): boolean {
  if (!file.minNativeVersion) return false;
  const native = versionBuild ? semver.coerce(versionBuild) : null;
  const needed = semver.coerce(file.minNativeVersion);
  // A native version we cannot read is treated as too old: a bundle that needs newer native code crashes the app.
  return !native || !needed || semver.lt(native, needed);
}

/** The checksum this plugin verifies, or null when it cannot take this bundle at all. */
function checksumFor(file: FileRecord, abilities: PluginAbilities): string | null {
  if (file.encryption) {
    const { checksum, legacyChecksum } = file.encryption;
    if (abilities.encryptedChecksum === 'v3') return checksum ?? legacyChecksum ?? null;
    if (abilities.encryptedChecksum === 'legacy') return legacyChecksum ?? null;
    return null;
  }
  if (abilities.plainChecksum === 'crc32') return file.crc32 ?? null;
  if (abilities.plainChecksum === 'empty') return '';
  return file.sha256;
}

/**
 * What to answer a device's update check. Pure: the same device, feed and bundles
 * give the same answer, which is what makes rollouts stable.
 *
 * The device is offered the newest live bundle of its channel that it may run (native
 * version high enough, inside the rollout, a checksum its plugin can verify) whenever
 * that is not what it already runs, older included: that is how a withdrawn (yanked)
 * bundle is rolled back.
 */
export function decideUpdate(device: DeviceInfo, snapshot: FeedSnapshot): UpdateDecision {
  const app = snapshot.appsByPackageName.get(device.app_id);
  if (!app) {
    return { kind: 'none', status: 'failed', error: 'unknown_app', message: `No app with package name '${device.app_id}' in this feed; check appId in capacitor.config.` };
  }
  const channel = channelFor(app, snapshot.manifest.channels, device.defaultChannel);
  const bundles = snapshot.liveBundles.get(channelKey(app.id, channel.buildType)) ?? [];
  const abilities = pluginAbilities(device.plugin_version, device.platform);
  const current = device.version_name;

  let storeUpdate: VersionRecord | null = null;
  let unreadable: VersionRecord | null = null;
  let keyMismatch: VersionRecord | null = null;
  for (const bundle of bundles) {
    const file = bundle.file!;
    if (!inRollout({ deviceId: device.device_id, app: app.id, version: bundle.version, percent: bundle.rollout ?? 100 })) continue;
    if (nativeTooOld(file, device.version_build)) {
      storeUpdate ??= bundle;
      continue;
    }
    if (file.encryption?.keyId && device.key_id && device.key_id !== file.encryption.keyId) {
      keyMismatch ??= bundle;
      continue;
    }
    const checksum = checksumFor(file, abilities);
    if (checksum === null) {
      unreadable ??= bundle;
      continue;
    }
    if (bundle.version === current) {
      return storeUpdate
        ? needsStoreUpdate(storeUpdate, channel)
        : { kind: 'none', status: 'up_to_date', error: 'no_new_version_available', message: `${current} is the latest version on channel '${channel.name}'.` };
    }
    return { kind: 'update', version: bundle, file, checksum, ...(file.encryption ? { sessionKey: file.encryption.sessionKey } : {}) };
  }

  if (storeUpdate) return needsStoreUpdate(storeUpdate, channel);
  if (keyMismatch) {
    return { kind: 'none', status: 'blocked', error: 'encryption_key_mismatch', message: `Bundle ${keyMismatch.version} is encrypted with another key than this app's public key.` };
  }
  if (unreadable) {
    return {
      kind: 'none',
      status: 'blocked',
      error: 'plugin_too_old',
      message: `Bundle ${unreadable.version} needs a newer @capgo/capacitor-updater than ${device.plugin_version ?? 'this one'}; update the app from the store.`,
    };
  }
  const runsWithdrawn = snapshot.manifest.versions.some((v) => v.app === app.id && v.buildType === channel.buildType && v.version === current && v.yanked);
  if (runsWithdrawn && abilities.builtinReset) return { kind: 'builtin' };
  return { kind: 'none', status: 'up_to_date', error: 'no_bundle', message: `No live-update bundle for this device on channel '${channel.name}'.` };
}

function needsStoreUpdate(bundle: VersionRecord, channel: Channel): NoUpdate {
  return {
    kind: 'none',
    status: 'blocked',
    error: 'store_update_required',
    message: `Bundle ${bundle.version} on channel '${channel.name}' needs native version ${bundle.file?.minNativeVersion} or later; update the app from the store.`,
    storeUpdate: { version: bundle.version },
  };
}
