import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { matchPattern, METHODS, resolveParams, type RouteDefinition, type RouteMatch } from './route.js';

export interface RouteEntry {
  /** The route file, relative to the project (`api/v1/apps.ts`). */
  readonly file: string;
  /** The URL pattern Vercel derives from the file's path. */
  readonly pattern: string;
  readonly route: RouteDefinition;
}

/** The `api/` folder next to this module's tree: sources under vitest, `build/api` when compiled. */
export function defaultApiDir(): string {
  return fileURLToPath(new URL('../../api/', import.meta.url));
}

/** Vercel's mapping: `api/v1/versions/[id]/download.ts` → `/api/v1/versions/[id]/download`. */
export function patternForFile(relative: string): string {
  return `/api/${relative.replace(/\\/g, '/').replace(/\.(ts|js)$/, '')}`;
}

async function listRouteFiles(dir: string, ext: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    // Vercel deploys no function for paths that start with _ or .
    if (entry.name.startsWith('_') || entry.name.startsWith('.')) continue;
    const relative = `${prefix}${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listRouteFiles(path.join(dir, entry.name), ext, `${relative}/`)));
    else if (entry.name.endsWith(ext) && !entry.name.endsWith(`.d${ext}`)) out.push(relative);
  }
  return out;
}

/**
 * Builds the route table from the `api/` folder itself, the way Vercel turns it into
 * functions, so the local server serves exactly what a deployment would. A route
 * file whose declared pattern disagrees with its path is refused.
 */
export async function loadRouteTable(apiDir = defaultApiDir()): Promise<RouteEntry[]> {
  const ext = path.extname(fileURLToPath(import.meta.url));
  const entries: RouteEntry[] = [];
  for (const relative of await listRouteFiles(apiDir, ext)) {
    const module = (await import(pathToFileURL(path.join(apiDir, relative)).href)) as Record<string, unknown>;
    const pattern = patternForFile(relative);
    const missing = METHODS.filter((m) => typeof module[m] !== 'function');
    const route = module['route'] as RouteDefinition | undefined;
    if (missing.length > 0 || !route) throw new Error(`api/${relative} must export route = defineRoute(...) and its functions from vercel(route) (see api/_vercel.ts).`);
    if (route.pattern !== pattern) throw new Error(`api/${relative} declares route '${route.pattern}' but Vercel serves it at '${pattern}'.`);
    entries.push({ file: `api/${relative}`, pattern, route });
  }
  // Static segments win over dynamic ones, as on Vercel.
  return entries.sort((a, b) => dynamicCount(a.pattern) - dynamicCount(b.pattern));
}

function dynamicCount(pattern: string): number {
  return pattern.split('/').filter((s) => s.startsWith('[')).length;
}

/** Each table's routes without placeholders, by path: most requests are answered by one of them. */
const staticRoutes = new WeakMap<readonly RouteEntry[], ReadonlyMap<string, RouteEntry>>();

function staticRoutesOf(table: readonly RouteEntry[]): ReadonlyMap<string, RouteEntry> {
  let index = staticRoutes.get(table);
  if (!index) {
    index = new Map(table.filter((e) => dynamicCount(e.pattern) === 0).map((e) => [e.pattern, e]));
    staticRoutes.set(table, index);
  }
  return index;
}

/** The route a URL reaches, with its parameters: the first match, static routes before dynamic ones. */
export function findRoute(table: readonly RouteEntry[], url: URL): (RouteMatch & { readonly entry: RouteEntry }) | null {
  const exact = staticRoutesOf(table).get(url.pathname);
  if (exact) return { entry: exact, url, params: {} };
  for (const entry of table) {
    const matched = matchPattern(entry.pattern, url.pathname);
    if (matched !== null) return { entry, url, params: resolveParams(matched, url) };
  }
  return null;
}
