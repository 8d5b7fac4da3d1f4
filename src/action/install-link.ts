import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { testerPageLink } from '../feed/api-paths.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { InstallOutputs } from './outputs.js';
import { qrPng } from './qr-png.js';

/**
 * The `install-url` and `qr-code` outputs of a published build: the tester page's link to it on
 * the deployment at `pageUrl`, and a PNG of that link as a QR code in the runner's temp folder
 * (for a later step to upload or post). Null when there is nothing for testers to install: no
 * `page-url`, a pending version, or a live-update bundle (devices get those, the page lists none).
 */
export async function installOutputs(version: VersionRecord, pageUrl: string | undefined, tempDir: string): Promise<InstallOutputs | null> {
  if (pageUrl === undefined || version.file?.kind !== 'binary') return null;
  const url = testerPageLink(pageUrl, version.id);
  const qrCode = path.join(tempDir, `updateforge-install-${version.app}-${version.buildType}-${version.version.replace(/[^\w.-]/g, '_')}.png`);
  await writeFile(qrCode, qrPng(url));
  return { url, qrCode };
}
