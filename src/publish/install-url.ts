import { testerPageLink } from '../feed/api-paths.js';
import type { VersionRecord } from '../feed/version-record.js';

/**
 * Where testers install a published version: the tester page on the deployment at `pageUrl`,
 * opened on it. Null when there is nothing for testers to install: no page address, a pending
 * version, or a live-update bundle (devices get those; the page lists none).
 */
export function installUrl(version: VersionRecord, pageUrl: string | undefined): string | null {
  return pageUrl === undefined || version.file?.kind !== 'binary' ? null : testerPageLink(pageUrl, version.id);
}
