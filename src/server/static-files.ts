import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';
import type { Responses } from './responses.js';

/**
 * The headers every page file carries, here and on Vercel (`vercel.json` `headers`, checked equal
 * by test/server/static-files.test.ts): the page loads only its own scripts, styles and images,
 * talks only to its own origin, and cannot be framed or sniffed into another type.
 */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

/** The only kinds of file served from `web/`; any other is a 404. */
const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json; charset=utf-8',
};

/** The `web/` folder Vercel serves as its output directory. */
export function defaultWebDir(): string {
  return path.join(projectRoot(), 'web');
}

export type StaticFiles = (request: Request, respond: Responses) => Promise<Response | null>;

/**
 * Serves the files of `web/` the way Vercel does (`index.html` at `/`), so a browser pointed at
 * `updateforge serve` finds the same tester page. Null (the caller's JSON 404) for anything but a
 * GET or HEAD of an existing file of a known type: no dotfiles, no folders, nothing outside `dir`.
 * Files are read on each request, so an edited page shows without a restart.
 */
export function staticFiles(dir = defaultWebDir()): StaticFiles {
  const root = path.resolve(dir);
  return async (request, respond) => {
    const method = request.method.toUpperCase();
    if (method !== 'GET' && method !== 'HEAD') return null;
    const file = fileFor(root, new URL(request.url).pathname);
    if (file === null) return null;
    const body = await readRegularFile(file);
    if (body === null) return null;
    const extension = path.extname(file).toLowerCase();
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    // Every file is revalidated on every load (as Vercel serves static files: max-age=0 with an ETag),
    // so a new release's page never runs with the old script; an unchanged file costs a 304.
    const headers = { etag, 'cache-control': 'no-cache', ...PAGE_SECURITY_HEADERS };
    if (
      request.headers
        .get('if-none-match')
        ?.split(/\s*,\s*/)
        .includes(etag)
    )
      return respond.create(null, { status: 304, headers });
    return respond.create(method === 'HEAD' ? null : body, {
      status: 200,
      headers: { 'content-type': CONTENT_TYPES[extension] ?? 'application/octet-stream', 'content-length': String(body.length), ...headers },
    });
  };
}

/** The file under `root` a URL path names, or null when it may not be served. */
function fileFor(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname === '/' ? '/index.html' : pathname);
  } catch {
    return null;
  }
  const segments = decoded.slice(1).split('/');
  // Empty, `.`/`..` and dot-named segments, and backslashes or NULs that a file system might read as more.
  if (segments.some((s) => s === '' || s.startsWith('.') || /[\\\0]/.test(s))) return null;
  if (!(path.extname(decoded).toLowerCase() in CONTENT_TYPES)) return null;
  const file = path.resolve(root, ...segments);
  return file.startsWith(`${root}${path.sep}`) ? file : null;
}

async function readRegularFile(file: string): Promise<Buffer | null> {
  try {
    if (!(await stat(file)).isFile()) return null;
    return await readFile(file);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR' || code === 'ENAMETOOLONG';
}
