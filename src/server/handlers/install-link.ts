import { platformOf } from '../../feed/platform.js';
import { INSTALL_LINK_LIFETIME_SECONDS, linkBase, signedDownloadUrl, signedManifestUrl } from '../links.js';
import type { Handler } from '../route.js';
import { authorizeTester, requireFile } from '../version-access.js';

/**
 * POST /api/v1/versions/{id}/link: a download link for the tester page, valid 10 minutes and for
 * this one version only, so a phone's browser can fetch (and install) the build without the
 * tester's Bearer token. Same checks, in the same order, as the download itself:
 * 401 → 404 version not found → 403 forbidden → 404 no file attached.
 */
export const issueInstallLink: Handler = async (request, context, params) => {
  const { version, user } = await authorizeTester(request, context, params['id'] ?? '');
  const file = requireFile(version);
  const platform = platformOf(file.name);
  const { token, expiresAt } = await context.tokens.issueDownloadLink(version.id, INSTALL_LINK_LIFETIME_SECONDS);
  const base = linkBase(request, context);
  context.log.info('install link', { by: user.id, versionId: version.id });
  return context.respond.json(200, {
    url: signedDownloadUrl(base, version.id, token),
    expiresAt: expiresAt.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    fileName: file.name,
    size: file.size,
    platform,
    // The same version-scoped token opens the manifest, which hands iOS a fresh download link of its own.
    ...(platform === 'ios' ? { manifestUrl: signedManifestUrl(base, version.id, token) } : {}),
  });
};
