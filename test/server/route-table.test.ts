import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { matchPattern, resolveParams } from '../../src/server/route.js';
import { defaultApiDir, findRoute, loadRouteTable, patternForFile } from '../../src/server/route-table.js';
import { projectRoot } from '../../src/util/project-root.js';

async function routeFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) out.push(...(await routeFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)));
    // Vercel makes no function of a file whose name starts with _ (the composition root, api/_vercel.ts).
    else if (!entry.name.startsWith('_')) out.push(`api/${prefix}${entry.name}`);
  }
  return out.sort();
}

describe('the route table is the api/ folder', () => {
  test('every file under api/ but the _ ones is a route, at the path Vercel gives it', async () => {
    const table = await loadRouteTable();
    expect(table.map((r) => r.file).sort()).toEqual(await routeFiles(defaultApiDir()));
    expect(Object.fromEntries(table.map((r) => [r.file, r.pattern]))).toEqual({
      'api/v1/auth.ts': '/api/v1/auth',
      'api/v1/apps.ts': '/api/v1/apps',
      'api/v1/updates.ts': '/api/v1/updates',
      'api/v1/stats.ts': '/api/v1/stats',
      'api/v1/channel_self.ts': '/api/v1/channel_self',
      'api/v1/apps/[app]/versions.ts': '/api/v1/apps/[app]/versions',
      'api/v1/versions/[id]/download.ts': '/api/v1/versions/[id]/download',
      'api/v1/versions/[id]/link.ts': '/api/v1/versions/[id]/link',
      'api/v1/versions/[id]/manifest.plist.ts': '/api/v1/versions/[id]/manifest.plist',
      'api/files/apps/[app]/[file].ts': '/api/files/apps/[app]/[file]',
      'api/v1/bundles/[id]/files/[path].ts': '/api/v1/bundles/[id]/files/[path]',
      'api/v1/updates/manifest_size.ts': '/api/v1/updates/manifest_size',
    });
  });

  test('every route file exports its definition and the Web handler of every method', async () => {
    for (const entry of await loadRouteTable()) {
      const module = (await import(path.join(projectRoot(), entry.file))) as Record<string, unknown>;
      expect(module['route']).toBe(entry.route);
      for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const) expect(typeof module[method]).toBe('function');
    }
  });

  test('a route file without its definition is refused', async () => {
    await expect(loadRouteTable(path.join(projectRoot(), 'test/fixtures/routeless-api'))).rejects.toThrow(
      'api/v1/thing.ts must export route = defineRoute(...) and its functions from vercel(route) (see api/_vercel.ts).',
    );
  });

  test('a route file that declares another path than its own is refused', async () => {
    await expect(loadRouteTable(path.join(projectRoot(), 'test/fixtures/mismatched-api'))).rejects.toThrow(
      "api/v1/thing.ts declares route '/api/v1/other-thing' but Vercel serves it at '/api/v1/thing'.",
    );
  });

  test('matches dynamic segments one segment at a time, decoded', () => {
    expect(matchPattern('/api/v1/versions/[id]/download', '/api/v1/versions/a%20b/download')).toEqual({ id: 'a b' });
    expect(matchPattern('/api/v1/versions/[id]/download', '/api/v1/versions/a/b/download')).toBeNull();
    expect(matchPattern('/api/v1/versions/[id]/download', '/api/v1/versions//download')).toBeNull();
    expect(matchPattern('/api/v1/versions/[id]/download', '/api/v1/versions/%E0%A4%A/download')).toBeNull();
    expect(patternForFile('files/apps/[app]/[file].ts')).toBe('/api/files/apps/[app]/[file]');
    // Only the last extension is the file's: a dotted route name keeps its dot.
    expect(patternForFile('v1/versions/[id]/manifest.plist.ts')).toBe('/api/v1/versions/[id]/manifest.plist');
    expect(patternForFile('v1/versions/[id]/manifest.plist.js')).toBe('/api/v1/versions/[id]/manifest.plist');
  });

  test('takes the parameters Vercel passes in the query when the path is the route’s own', () => {
    const paramsOf = (url: string) => resolveParams(matchPattern('/api/v1/versions/[id]/download', new URL(url).pathname) ?? {}, new URL(url));
    expect(paramsOf('https://x.vercel.app/api/v1/versions/987/download')).toEqual({ id: '987' });
    expect(paramsOf('https://x.vercel.app/api/v1/versions/[id]/download?id=123')).toEqual({ id: '123' });
    expect(paramsOf('https://x.vercel.app/api/v1/versions/%5Bid%5D/download?id=123&token=t')).toEqual({ id: '123' });
    expect(paramsOf('https://x.vercel.app/api/v1/versions/[id]/download')).toBeNull();
  });

  test('finds the route of a path, static before dynamic', async () => {
    const table = await loadRouteTable();
    const find = (pathname: string) => findRoute(table, new URL(pathname, 'http://localhost'));
    expect(find('/api/v1/apps')?.entry.file).toBe('api/v1/apps.ts');
    expect(find('/api/files/apps/x/y.png')).toMatchObject({ entry: { file: 'api/files/apps/[app]/[file].ts' }, params: { app: 'x', file: 'y.png' } });
    expect(find('/api/v1/versions/[id]/download?id=7')?.params).toEqual({ id: '7' });
    expect(find('/api/v1/apps/x')).toBeNull();
    expect(find('/api/v1/apps/rocket/versions')).toMatchObject({ entry: { file: 'api/v1/apps/[app]/versions.ts' }, params: { app: 'rocket' } });
    expect(find('/api/v1/versions/7/link')).toMatchObject({ entry: { file: 'api/v1/versions/[id]/link.ts' }, params: { id: '7' } });
    expect(find('/api/v1/versions/7/manifest.plist?token=t')).toMatchObject({ entry: { file: 'api/v1/versions/[id]/manifest.plist.ts' }, params: { id: '7' } });
    expect(find('/api/v1/versions/7/manifestXplist')).toBeNull();
  });
});
