import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { installUrl } from '../publish/install-url.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { InstallOutputs } from './outputs.js';
import { qrPng } from './qr-png.js';

/**
 * The `install-url` and `qr-code` outputs of a published build: the tester page's link to it on
 * the deployment at `pageUrl`, and a PNG of that link as a QR code in the runner's temp folder
 * (for a later step to upload or post). Null when there is nothing for testers to install (installUrl).
 */
export async function installOutputs(version: VersionRecord, pageUrl: string | undefined, tempDir: string): Promise<InstallOutputs | null> {
  const url = installUrl(version, pageUrl);
  if (url === null) return null;
  const qrCode = path.join(tempDir, `updateforge-install-${version.app}-${version.buildType}-${version.version.replace(/[^\w.-]/g, '_')}.png`);
  await writeFile(qrCode, qrPng(url));
  return { url, qrCode };
}
