import type { ManifestApp } from '../feed/manifest.js';
import type { FileRecord, VersionRecord } from '../feed/version-record.js';
import type { User } from '../users/users.js';
import { ERRORS } from '../feed/api-errors.js';
import { authenticate } from './authenticate.js';
import type { ServerContext } from './context.js';
import { HttpError } from './responses.js';

// Who may have one version, shared by every route that names one (download, install link,
// iOS manifest), so each answers the same statuses in the same order.

/** A version a request may have, with its app. */
export interface VersionAccess {
  readonly version: VersionRecord;
  readonly app: ManifestApp;
}

/**
 * A tester's access, in the order WEB_API.md implies for downloads: 401 (no valid Bearer
 * token) → 404 version not found (unknown or yanked) → 403 forbidden (not in the app's team).
 */
export async function authorizeTester(request: Request, context: ServerContext, id: string): Promise<VersionAccess & { user: User }> {
  const user = await authenticate(request, context);
  const { snapshot } = await publishedVersion(context, id);
  const version = snapshot.versionsById.get(id);
  if (!version || version.yanked) throw new HttpError(404, { message: ERRORS.versionNotFound });
  const app = snapshot.appsById.get(version.app);
  if (!app || !user.teams.includes(app.team)) throw new HttpError(403, { message: ERRORS.forbidden });
  return { version, app, user };
}

/**
 * A signed link's access: 401 unless `token` is a valid, unexpired download token for exactly
 * `id` → 404 version not found. A yanked version is withdrawn for good: even a link handed out
 * before the yank stops working.
 */
export async function authorizeLink(context: ServerContext, token: string | null, id: string): Promise<VersionAccess> {
  if (token === null || !(await context.tokens.verifyDownloadToken(token, id))) throw new HttpError(401, { message: ERRORS.unauthorized });
  const { snapshot } = await publishedVersion(context, id);
  const version = snapshot.versionsById.get(id);
  const app = version ? snapshot.appsById.get(version.app) : undefined;
  if (!version || version.yanked || !app) throw new HttpError(404, { message: ERRORS.versionNotFound });
  return { version, app };
}

/** The version's file; 404 no file attached for a pending version. */
export function requireFile(version: VersionRecord): FileRecord {
  if (!version.file) throw new HttpError(404, { message: ERRORS.noFileAttached });
  return version.file;
}

/**
 * The feed, holding `id` if it is published anywhere yet: an id this instance does not know may be
 * one another instance (which re-checked sooner) has just offered, so it looks again before a 404.
 */
async function publishedVersion(context: ServerContext, id: string) {
  const feed = await context.feed.get();
  return feed.snapshot.versionsById.has(id) ? feed : context.feed.getRecent();
}
