import { compareVersions } from './version.js';
import type { VersionRecord } from './version-record.js';

export interface CurrentAndPending {
  /** The highest version (semver precedence) that has a file. */
  readonly current: VersionRecord | null;
  /** The highest version that has no file yet. */
  readonly pending: VersionRecord | null;
}

/** Picks current and pending among the versions of one app and build type. */
export function selectCurrentAndPending(versions: Iterable<VersionRecord>): CurrentAndPending {
  let current: VersionRecord | null = null;
  let pending: VersionRecord | null = null;
  for (const v of versions) {
    if (v.file !== null) {
      if (current === null || compareVersions(v.version, current.version) > 0) current = v;
    } else if (pending === null || compareVersions(v.version, pending.version) > 0) {
      pending = v;
    }
  }
  return { current, pending };
}
