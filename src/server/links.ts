import { downloadPath, installManifestPath } from '../feed/api-paths.js';
import { publicOrigin } from './public-url.js';
import type { ServerContext } from './context.js';

// The absolute, signed links the API hands out: device bundle URLs in update answers, and the
// tester page's install links. All start at the same base, the public URL or the request's origin.

/** How long an install link from the tester page works: enough to tap it and start the download. */
export const INSTALL_LINK_LIFETIME_SECONDS = 10 * 60;

/** The base every absolute link starts with: `context.publicUrl`, else the request's own origin. */
export function linkBase(request: Request, context: Pick<ServerContext, 'publicUrl'>): string {
  return publicOrigin(request, context.publicUrl);
}

/** `<base>/api/v1/versions/{id}/download?token=<token>`: a download needing no login. */
export function signedDownloadUrl(base: string, versionId: string, token: string): string {
  return `${base}${downloadPath(versionId)}?token=${token}`;
}

/** `<base>/api/v1/versions/{id}/manifest.plist?token=<token>`: what an iOS `itms-services` link points at. */
export function signedManifestUrl(base: string, versionId: string, token: string): string {
  return `${base}${installManifestPath(versionId)}?token=${token}`;
}
