import { downloadPath } from '../feed/api-paths.js';
import type { VersionRecord } from '../feed/version-record.js';
import type { ActionIO } from './run-action.js';

/** Where testers install a published build: the tester page's link to it, and a QR code image of that link. */
export interface InstallOutputs {
  readonly url: string;
  readonly qrCode: string;
}

/** The step's outputs, the same for every command: the version it published or edited, and the manifest after it. */
export function setVersionOutputs(
  io: Pick<ActionIO, 'setOutput'>,
  result: { version: VersionRecord; releaseUrl: string; manifestSha: string; install?: InstallOutputs | undefined },
): void {
  const v = result.version;
  io.setOutput('version-id', v.id);
  io.setOutput('sha256', v.file?.sha256 ?? '');
  io.setOutput('size', v.file ? String(v.file.size) : '');
  io.setOutput('release-url', result.releaseUrl);
  io.setOutput('download-path', v.file ? downloadPath(v.id) : '');
  io.setOutput('manifest-sha', result.manifestSha);
  io.setOutput('install-url', result.install?.url ?? '');
  io.setOutput('qr-code', result.install?.qrCode ?? '');
}
