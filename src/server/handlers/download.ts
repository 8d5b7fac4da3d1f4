import { create as contentDisposition } from 'content-disposition';
import { platformOf } from '../../feed/platform.js';
import type { FileRecord, VersionRecord } from '../../feed/version-record.js';
import { StoreNotFoundError } from '../../store/errors.js';
import type { ServerContext } from '../context.js';
import { decideRange } from '../range.js';
import { matchedUrl, type Handler } from '../route.js';
import { ERRORS } from '../../feed/api-errors.js';
import { HttpError } from '../responses.js';
import { authorizeLink, authorizeTester, requireFile } from '../version-access.js';

/**
 * Who may download `id`, and what: a tester with a Bearer token (checks in the order
 * WEB_API.md implies: 401 → 404 version not found → 403 forbidden → 404 no file
 * attached), or a device or tester page with the signed `?token=` link of this very version.
 */
async function authorize(request: Request, context: ServerContext, id: string): Promise<{ version: VersionRecord; who: string; viaLink: boolean }> {
  const link = matchedUrl(request).searchParams.get('token');
  if (link !== null) return { version: (await authorizeLink(context, link, id)).version, who: 'device link', viaLink: true };
  const { version, user } = await authorizeTester(request, context, id);
  return { version, who: user.id, viaLink: false };
}

/**
 * The content type of a download: an APK fetched with a link (a phone's browser, from the tester
 * page) is labelled as one, so the phone offers to install it; everything else is the
 * `application/octet-stream` WEB_API.md documents.
 */
function contentTypeOf(file: FileRecord, viaLink: boolean): string {
  return viaLink && platformOf(file.name) === 'android' ? APK_CONTENT_TYPE : 'application/octet-stream';
}

const APK_CONTENT_TYPE = 'application/vnd.android.package-archive';

/** GET /api/v1/versions/{id}/download: the artifact, streamed, with single-range support for resume. */
export const downloadVersion: Handler = async (request, context, params) => {
  const { version, who, viaLink } = await authorize(request, context, params['id'] ?? '');
  const file = requireFile(version);
  // Devices can take the store's own signed link, so big bundles need not flow through this function.
  if (viaLink && context.downloads === 'redirect') {
    const link = await context.store.assetLink(file.assetId);
    if (link) return context.respond.create(null, { status: 302, headers: { location: link, 'cache-control': 'no-store' } });
  }

  const etag = `"${file.sha256}"`;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(file, viaLink),
    'content-disposition': contentDisposition(file.name, { fallback: asciiFallback(file.name) }),
    'accept-ranges': 'bytes',
    etag,
    // RFC 9530: lets a client check the whole file once it has every byte.
    'repr-digest': `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`,
    'cache-control': 'private, no-cache',
    'x-content-type-options': 'nosniff',
  };
  const decision = decideRange({ range: request.headers.get('range'), ifRange: request.headers.get('if-range'), size: file.size, etag });
  if (decision.kind === 'unsatisfiable') {
    return context.respond.error(416, ERRORS.rangeNotSatisfiable, { 'content-range': `bytes */${file.size}`, 'accept-ranges': 'bytes' });
  }
  const range = decision.kind === 'partial' ? { start: decision.start, end: decision.end } : undefined;
  const lengthHeaders: Record<string, string> = range
    ? { 'content-range': `bytes ${range.start}-${range.end}/${file.size}`, 'content-length': String(range.end - range.start + 1) }
    : { 'content-length': String(file.size) };
  // Download managers ask HEAD first: the manifest knows all of it, so GitHub is not asked.
  if (request.method.toUpperCase() === 'HEAD') return context.respond.create(null, { status: range ? 206 : 200, headers: { ...headers, ...lengthHeaders } });
  let body: ReadableStream<Uint8Array>;
  try {
    // The manifest knows the size: a source answering with another length (or an HTML page) is refused, not streamed.
    body = await context.store.openAsset(file.assetId, range, { size: file.size });
  } catch (error) {
    // The manifest we hold may be older than a replaced asset; a retry will see the new one.
    if (error instanceof StoreNotFoundError) throw new HttpError(404, { message: ERRORS.noFileAttached, cause: error });
    throw error;
  }
  context.log.info('download', { by: who, versionId: version.id, range: range ? `${range.start}-${range.end}` : 'full' });
  return context.respond.create(body, { status: range ? 206 : 200, headers: { ...headers, ...lengthHeaders } });
};

/** For clients that ignore `filename*`: accents dropped, other non-ASCII characters as `_`. */
function asciiFallback(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '_');
}
