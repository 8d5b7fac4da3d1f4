import { ERRORS } from '../../feed/api-errors.js';
import { memoized } from '../../feed/feed-snapshot.js';
import { appVersions } from '../app-versions-response.js';
import { authenticate } from '../authenticate.js';
import { HttpError, staleHeaders } from '../responses.js';
import type { Handler } from '../route.js';

/**
 * GET /api/v1/apps/{app}/versions: every version of one app for the tester page, per build type.
 * 401 → 404 not found (no such app) → 403 forbidden (not in the app's team). The JSON is built
 * once per manifest and app.
 */
export const listAppVersions: Handler = async (request, context, params) => {
  const user = await authenticate(request, context);
  const { snapshot, stale } = await context.feed.get();
  const app = snapshot.appsById.get(params['app'] ?? '');
  if (!app) throw new HttpError(404, { message: ERRORS.notFound });
  if (!user.teams.includes(app.team)) throw new HttpError(403, { message: ERRORS.forbidden });
  const json = memoized(snapshot, `app-versions:${app.id}`, () => JSON.stringify(appVersions(snapshot, app.id)));
  return context.respond.rawJson(200, json, staleHeaders(stale));
};
