import { ERRORS } from '../../feed/api-errors.js';
import { platformOf } from '../../feed/platform.js';
import { INSTALL_LINK_LIFETIME_SECONDS, linkBase, signedDownloadUrl } from '../links.js';
import { otaManifestXml } from '../ota-manifest.js';
import { HttpError } from '../responses.js';
import { matchedUrl, type Handler } from '../route.js';
import { authorizeLink, requireFile } from '../version-access.js';

/**
 * GET /api/v1/versions/{id}/manifest.plist?token=<link token>: the over-the-air install manifest
 * of an iOS build, for the tester page's `itms-services://` link. iOS fetches it with no login,
 * so the signed token of this version is the only key: 401 without it → 404 version not found →
 * 404 no file attached (pending, or not an .ipa). The .ipa URL inside is a fresh 10-minute link.
 */
export const installManifest: Handler = async (request, context, params) => {
  const id = params['id'] ?? '';
  const { version, app } = await authorizeLink(context, matchedUrl(request).searchParams.get('token'), id);
  const file = requireFile(version);
  if (platformOf(file.name) !== 'ios') throw new HttpError(404, { message: ERRORS.noFileAttached });
  const { token } = await context.tokens.issueDownloadLink(version.id, INSTALL_LINK_LIFETIME_SECONDS);
  const xml = otaManifestXml({
    ipaUrl: signedDownloadUrl(linkBase(request, context), version.id, token),
    bundleIdentifier: app.packageName,
    bundleVersion: version.version,
    title: app.title,
  });
  return context.respond.create(xml, {
    status: 200,
    headers: { 'content-type': 'text/xml; charset=utf-8', 'content-length': String(Buffer.byteLength(xml)), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  });
};
