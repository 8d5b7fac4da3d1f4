import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { toNodeHandler } from 'srvx/node';
import { findRoute, loadRouteTable } from '../../src/server/route-table.js';
import { projectRoot } from '../../src/util/project-root.js';

/** vercel.json's `headers` rules: `source` is a path pattern, here only of the regular-expression kind it uses. */
interface VercelConfig {
  readonly outputDirectory: string;
  readonly headers?: readonly { readonly source: string; readonly headers: readonly { key: string; value: string }[] }[];
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * A stand-in for a Vercel deployment of this project, for tests of what runs in the browser:
 * `/api/...` calls the route file's exported method function with a Web Request (how Vercel
 * calls a function with Web handlers), through api/_vercel.ts and the environment; any other
 * path is a file of the output directory, `/` its index.html, with the headers vercel.json
 * gives it. Not the local server's route table or static files: the functions as deployed.
 */
export async function startVercelHost(): Promise<{ url: string; close: () => Promise<void> }> {
  const root = projectRoot();
  const config = JSON.parse(await readFile(path.join(root, 'vercel.json'), 'utf8')) as VercelConfig;
  const table = await loadRouteTable();
  const handler = toNodeHandler(async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const match = findRoute(table, url);
    if (match) {
      const functions = (await import(pathToFileURL(path.join(root, match.entry.file)).href)) as Record<string, (request: Request) => Promise<Response>>;
      const call = functions[request.method.toUpperCase()];
      return call ? call(request) : new Response(null, { status: 405 });
    }
    const file = url.pathname === '/' ? 'index.html' : url.pathname.slice(1);
    const headers = new Headers({ 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    for (const rule of config.headers ?? []) if (new RegExp(`^${rule.source}$`).test(url.pathname)) for (const { key, value } of rule.headers) headers.set(key, value);
    const body = await readFile(path.join(root, config.outputDirectory, path.normalize(file).replace(/^(\.\.[/\\])+/, ''))).catch(() => null);
    return body ? new Response(body, { status: 200, headers }) : new Response('Not found', { status: 404 });
  }) as (req: IncomingMessage, res: ServerResponse) => void;
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
