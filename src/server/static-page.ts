import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../util/project-root.js';
import type { Responses } from './responses.js';

let page: Promise<Buffer> | null = null;

/**
 * The landing page Vercel serves from `web/` at `/`, served the same way by the Node server,
 * so a browser pointed at either finds the same page rather than a JSON 404.
 */
export async function landingPage(request: Request, respond: Responses): Promise<Response | null> {
  const { pathname } = new URL(request.url);
  const method = request.method.toUpperCase();
  if ((pathname !== '/' && pathname !== '/index.html') || (method !== 'GET' && method !== 'HEAD')) return null;
  page ??= readFile(path.join(projectRoot(), 'web', 'index.html'));
  const html = await page;
  return respond.create(method === 'HEAD' ? null : html, {
    status: 200,
    headers: { 'content-type': 'text/html; charset=utf-8', 'content-length': String(html.length), 'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff' },
  });
}
