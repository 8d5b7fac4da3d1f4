import semverCoerce from 'semver/functions/coerce.js';
import semverLte from 'semver/functions/lte.js';
import type { FileRecord, VersionRecord } from '../feed/version-record.js';

/**
 * The live bundles of one app and build type that some device may still be offered, out of
 * `bundles` (the snapshot's `liveBundles`: not yanked, newest first). What `updateforge prune`
 * must never delete.
 *
 * `decideUpdate` offers a device the newest bundle it may run: inside the rollout, native app
 * new enough, the same encryption key, a checksum its plugin can verify; failing one, it goes
 * on to the next older bundle. So a bundle is out of every device's reach only when a newer
 * bundle at 100% rollout takes every device it could take: no stricter a native version, no
 * other key, the same checksum forms or more. Without native versions and keys that is the
 * newest bundle at 100%: it and everything newer stay (a bundle on partial rollout above it
 * leaves the devices outside that rollout on the one below), everything older may go.
 */
export function bundlesStillOffered(bundles: readonly VersionRecord[]): VersionRecord[] {
  const offered: VersionRecord[] = [];
  const fullRollouts: FileRecord[] = [];
  for (const bundle of bundles) {
    const file = bundle.file;
    if (file?.kind !== 'bundle') continue;
    if (fullRollouts.some((newer) => takesEveryDeviceOf(newer, file))) continue;
    offered.push(bundle);
    if ((bundle.rollout ?? 100) >= 100) fullRollouts.push(file);
  }
  return offered;
}

/** Whether every device that could run `older` can run `newer` too (which is at 100%, so offered first). */
function takesEveryDeviceOf(newer: FileRecord, older: FileRecord): boolean {
  return nativeNoStricter(newer, older) && keyNoStricter(newer, older) && checksumsNoFewer(newer, older);
}

function nativeNoStricter(newer: FileRecord, older: FileRecord): boolean {
  if (newer.minNativeVersion === undefined) return true;
  const needs = semverCoerce(newer.minNativeVersion);
  const olderNeeds = older.minNativeVersion === undefined ? null : semverCoerce(older.minNativeVersion);
  return needs !== null && olderNeeds !== null && semverLte(needs, olderNeeds);
}

/** A bundle without a key id is never refused for its key; one with a key only where the older one had the same. */
function keyNoStricter(newer: FileRecord, older: FileRecord): boolean {
  const key = newer.encryption?.keyId;
  return key === undefined || key === older.encryption?.keyId;
}

/** The checksums a plugin may verify: every form the older bundle carried, the newer one carries too. */
function checksumsNoFewer(newer: FileRecord, older: FileRecord): boolean {
  const a = newer.encryption;
  const b = older.encryption;
  if (!a || !b) return !a && !b && (older.crc32 === undefined || newer.crc32 !== undefined);
  return (b.checksum === undefined || a.checksum !== undefined) && (b.legacyChecksum === undefined || a.legacyChecksum !== undefined);
}
