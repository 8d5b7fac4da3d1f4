import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { ERRORS } from '../../feed/api-errors.js';
import type { BundleFile } from '../../feed/bundle-files.js';
import type { FileRecord } from '../../feed/version-record.js';
import { StoreNotFoundError } from '../../store/errors.js';
import { bodyLength, fileBody, sentAsStoredGzip, servedWhole, wholeFileBody, type FileEncoding } from '../bundle-file-body.js';
import { hasFileList, type FileList } from '../bundle-file-lists.js';
import type { ServerContext } from '../context.js';
import { decideRange } from '../range.js';
import { HttpError } from '../responses.js';
import { matchedUrl, type Handler } from '../route.js';
import { authorizeLink, requireFile } from '../version-access.js';

/**
 * GET /api/v1/bundles/{id}/files/{path}?token=…: one file of a live-update bundle, for the
 * plugin's delta updates, read straight out of the stored zip with one range read of that
 * file's entry. `{path}.br` is the file brotli-compressed, for the plugins that decompress
 * what they download (src/capgo/plugin-builds.ts). The same signed link token as the bundle's.
 */
export const serveBundleFile: Handler = async (request, context, params) => {
  const id = params['id'] ?? '';
  const { version } = await authorizeLink(context, matchedUrl(request).searchParams.get('token'), id);
  const file = requireFile(version);
  if (!hasFileList(file)) throw new HttpError(404, { message: ERRORS.fileNotInBundle });
  const { entry, brotli } = lookUp(await context.bundleFiles.get(file), params['path'] ?? '');
  const etag = `"${entry.sha256}"`;
  const headers: Record<string, string> = {
    'content-type': 'application/octet-stream',
    'cache-control': 'private, no-cache',
    'x-content-type-options': 'nosniff',
    etag: brotli ? `"${entry.sha256}-br"` : etag,
  };
  const encoding = brotli ? ({ kind: 'brotli' } as const) : chooseEncoding(request, entry, etag);
  if (encoding.kind === 'unsatisfiable') {
    return context.respond.error(416, ERRORS.rangeNotSatisfiable, { 'content-range': `bytes */${entry.size}`, 'accept-ranges': 'bytes' });
  }
  if (encoding.kind === 'identity') {
    headers['accept-ranges'] = 'bytes';
    if (encoding.range) headers['content-range'] = `bytes ${encoding.range.start}-${encoding.range.end}/${entry.size}`;
  } else if (encoding.kind === 'gzip') headers['content-encoding'] = 'gzip';
  if (!brotli) headers['vary'] = 'accept-encoding';
  const length = bodyLength(entry, encoding);
  if (length !== null) headers['content-length'] = String(length);
  const status = encoding.kind === 'identity' && encoding.range ? 206 : 200;
  if (request.method.toUpperCase() === 'HEAD') return context.respond.create(null, { status, headers });
  const data = await readEntry(context, file, entry);
  if (servedWhole(entry)) {
    const body = await wholeFileBody(entry, Buffer.from(await new Response(data).arrayBuffer()), encoding);
    if (length === null) headers['content-length'] = String(body.length);
    return context.respond.create(body, { status, headers });
  }
  return context.respond.create(Readable.toWeb(fileBody(entry, Readable.fromWeb(data as WebReadableStream<Uint8Array>), encoding)) as ReadableStream<Uint8Array>, {
    status,
    headers,
  });
};

/** The file a path names: itself, or `<name>.br` for its brotli form (a bundle's own `x.br` file wins). */
function lookUp(list: FileList, path: string): { entry: BundleFile; brotli: boolean } {
  const exact = list.byName.get(path);
  if (exact) return { entry: exact, brotli: false };
  const compressed = path.endsWith('.br') ? list.byName.get(path.slice(0, -3)) : undefined;
  if (compressed) return { entry: compressed, brotli: true };
  throw new HttpError(404, { message: ERRORS.fileNotInBundle });
}

/**
 * A range of the file's own bytes when one is asked for (a resumed download); else, to a client
 * that takes gzip, the entry's deflate data as it is in the zip; else the file's bytes.
 */
function chooseEncoding(request: Request, entry: BundleFile, etag: string): FileEncoding | { readonly kind: 'unsatisfiable' } {
  const range = decideRange({ range: request.headers.get('range'), ifRange: request.headers.get('if-range'), size: entry.size, etag });
  if (range.kind === 'unsatisfiable') return range;
  if (range.kind === 'partial') return { kind: 'identity', range: { start: range.start, end: range.end } };
  if (sentAsStoredGzip(entry) && acceptsGzip(request.headers.get('accept-encoding'))) return { kind: 'gzip' };
  return { kind: 'identity' };
}

/** RFC 9110 §12.5.3: `gzip` (or `x-gzip`, or `*`) listed without `q=0`. */
export function acceptsGzip(header: string | null): boolean {
  if (!header) return false;
  return header.split(',').some((part) => {
    const [coding = '', ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== 'x-gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => /^\s*q\s*=\s*([\d.]+)\s*$/.exec(p)).find((m) => m !== null);
    return !q || Number(q[1]) > 0;
  });
}

/** The entry's bytes as the zip holds them: one range read of the stored zip. */
async function readEntry(context: ServerContext, file: FileRecord, entry: BundleFile): Promise<ReadableStream<Uint8Array>> {
  if (entry.compressedSize === 0) return new Response(new Uint8Array(0)).body!;
  try {
    return await context.store.openAsset(file.assetId, { start: entry.offset, end: entry.offset + entry.compressedSize - 1 }, { size: file.size });
  } catch (error) {
    // The manifest we hold may be older than a replaced asset; a retry will see the new one.
    if (error instanceof StoreNotFoundError) throw new HttpError(404, { message: ERRORS.noFileAttached, cause: error });
    throw error;
  }
}
