import { compareVersions } from './version.js';
import type { VersionRecord } from './version-record.js';

/**
 * What testers see of one app and build type. Binaries (APK/AAB/IPA) and live-update bundles
 * share one version line (one release per version, whichever it holds), and each audience sees
 * its own kind: testers the binaries, devices the bundles (`liveBundles` in feed-snapshot.ts).
 * So a bundle 1.2.1 published after an APK 1.2.0 goes to devices while testers keep 1.2.0.
 */
export interface CurrentAndPending {
  /**
   * The highest version (semver precedence) whose file is a binary. Never a bundle: the
   * companion app installs `current` as an app (WEB_API.md, "Typical client flow", step 4).
   */
  readonly current: VersionRecord | null;
  /** The highest version that has no file yet. */
  readonly pending: VersionRecord | null;
}

/** Picks current and pending among the versions of one app and build type. */
export function selectCurrentAndPending(versions: Iterable<VersionRecord>): CurrentAndPending {
  let current: VersionRecord | null = null;
  let pending: VersionRecord | null = null;
  for (const v of versions) {
    if (v.file?.kind === 'binary') {
      if (current === null || compareVersions(v.version, current.version) > 0) current = v;
    } else if (v.file === null && (pending === null || compareVersions(v.version, pending.version) > 0)) {
      pending = v;
    }
  }
  return { current, pending };
}
