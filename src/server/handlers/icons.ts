import path from 'node:path';
import { iconFileName } from '../../feed/api-paths.js';
import { memoized } from '../../feed/feed-snapshot.js';
import type { Handler } from '../route.js';
import { ERRORS } from '../../feed/api-errors.js';
import { HttpError } from '../responses.js';

const TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.svg': 'image/svg+xml',
};

/**
 * GET /api/files/apps/{app}/{file}: an app icon, public. Only the one file the
 * manifest names for that app is ever served, so no path can reach anything else.
 */
export const serveIcon: Handler = async (request, context, params) => {
  const { snapshot } = await context.feed.get();
  const app = snapshot.appsById.get(params['app'] ?? '');
  if (!app?.icon || iconFileName(app.icon) !== params['file']) throw new HttpError(404, { message: ERRORS.iconNotFound });
  // Read once per manifest: on GitHub every read is an API request, and icons change only with the manifest.
  const iconPath = app.icon;
  const file = await memoized(snapshot, `icon:${iconPath}`, () => context.store.readBranchFile(iconPath));
  if (file === null || file === 'not-modified') throw new HttpError(404, { message: ERRORS.iconNotFound });
  const etag = `"${file.sha}"`;
  const headers = {
    'content-type': TYPES[path.extname(app.icon).toLowerCase()] ?? 'application/octet-stream',
    'cache-control': 'public, max-age=300',
    etag,
    'x-content-type-options': 'nosniff',
    // An SVG opened directly must not be able to run script on this origin.
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; sandbox",
  };
  if (
    request.headers
      .get('if-none-match')
      ?.split(/\s*,\s*/)
      .includes(etag)
  )
    return context.respond.create(null, { status: 304, headers });
  return context.respond.create(Buffer.from(file.content), { status: 200, headers: { ...headers, 'content-length': String(file.content.byteLength) } });
};
