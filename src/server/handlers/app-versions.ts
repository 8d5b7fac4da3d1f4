import { ERRORS } from '../../feed/api-errors.js';
import { memoized } from '../../feed/feed-snapshot.js';
import { assetIdsOf } from '../../feed/status.js';
import { appVersions } from '../app-versions-response.js';
import { authenticate } from '../authenticate.js';
import { HttpError, staleHeaders } from '../responses.js';
import type { Handler } from '../route.js';

/**
 * GET /api/v1/apps/{app}/versions: every version of one app for the tester page, per build type.
 * 401 → 404 not found (no such app) → 403 forbidden (not in the app's team). The list is built
 * once per manifest and app; the download counts come from the server's count cache (minutes old
 * at most, `downloads: null` when the store cannot tell, never a failed answer).
 */
export const listAppVersions: Handler = async (request, context, params) => {
  const user = await authenticate(request, context);
  const { snapshot, stale } = await context.feed.get();
  const app = snapshot.appsById.get(params['app'] ?? '');
  if (!app) throw new HttpError(404, { message: ERRORS.notFound });
  if (!user.teams.includes(app.team)) throw new HttpError(403, { message: ERRORS.forbidden });
  // The whole feed's assets, so that one cached read serves every app's page.
  const counts = await context.downloadCounts.get(memoized(snapshot, 'asset-ids', () => assetIdsOf(snapshot.manifest)));
  return context.respond.rawJson(200, JSON.stringify(appVersions(snapshot, app.id, counts)), staleHeaders(stale));
};
