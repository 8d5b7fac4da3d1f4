import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { createServerContext } from '../../src/server/create-context.js';
import { startServer } from '../../src/server/node-server.js';
import { PAGE_SECURITY_HEADERS } from '../../src/server/static-files.js';
import { LocalStore } from '../../src/store/local/store.js';
import { silentLogger } from '../../src/util/logger.js';
import { projectRoot } from '../../src/util/project-root.js';
import { PNG, tempDir } from '../helpers/fixtures.js';
import { SECRET } from '../helpers/server.js';

/** Sends a request target exactly as written (fetch would normalise `..` and `%2e`). */
function raw(base: string, target: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method, path: target }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function serveWeb(webDir?: string) {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const context = createServerContext({ store, users: [], jwtSecret: SECRET, log: silentLogger });
  return startServer({ context, ...(webDir === undefined ? {} : { webDir }) });
}

const NOT_FOUND = { status: 404, body: { error: 'not found' } };

describe('the tester page’s files', () => {
  let url: string;
  let close: () => Promise<void>;
  const site = {
    'index.html': '<!doctype html><title>t</title><script src="/app.js"></script>',
    'app.js': 'console.log("hi");',
    'app.css': 'body{}',
    'logo.svg': '<svg xmlns="http://www.w3.org/2000/svg"/>',
    'favicon.ico': 'ico',
    'data.json': '{}',
    'readme.txt': 'not a page file',
    '.secret.js': 'dotfile',
  };

  beforeAll(async () => {
    const root = await tempDir('uf-web-');
    const web = path.join(root, 'web');
    await mkdir(path.join(web, 'img'), { recursive: true });
    await mkdir(path.join(web, '.hidden'), { recursive: true });
    await mkdir(path.join(web, 'dir.js'), { recursive: true });
    for (const [name, content] of Object.entries(site)) await writeFile(path.join(web, name), content);
    await writeFile(path.join(web, 'img', 'icon.png'), PNG);
    await writeFile(path.join(web, '.hidden', 'x.js'), 'hidden');
    // Outside the web folder, beside it: what a traversal would be after.
    await writeFile(path.join(root, 'outside.js'), 'secret');
    await writeFile(path.join(root, 'web-evil.js'), 'secret');
    const server = await serveWeb(web);
    url = server.url;
    close = () => server.close();
    return close;
  });

  test.each([
    ['/', 'index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/index.html', 'index.html', 'text/html; charset=utf-8', 'no-cache'],
    ['/app.js', 'app.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['/app.css', 'app.css', 'text/css; charset=utf-8', 'no-cache'],
    ['/logo.svg', 'logo.svg', 'image/svg+xml', 'no-cache'],
    ['/favicon.ico', 'favicon.ico', 'image/x-icon', 'no-cache'],
    ['/data.json', 'data.json', 'application/json; charset=utf-8', 'no-cache'],
  ] as const)('%s: its bytes, type, caching and the security headers', async (target, name, type, cache) => {
    const res = await fetch(`${url}${target}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(site[name]);
    expect(res.headers.get('content-type')).toBe(type);
    expect(res.headers.get('cache-control')).toBe(cache);
    for (const [header, value] of Object.entries(PAGE_SECURITY_HEADERS)) expect(res.headers.get(header), header).toBe(value);
  });

  test('a file the browser has is revalidated for a 304 by its ETag; a changed one comes whole', async () => {
    const first = await fetch(`${url}/app.js`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    const again = await fetch(`${url}/app.js`, { headers: { 'if-none-match': `"other", ${etag}` } });
    expect([again.status, await again.text(), again.headers.get('etag'), again.headers.get('content-security-policy')]).toEqual([
      304,
      '',
      etag,
      PAGE_SECURITY_HEADERS['content-security-policy'],
    ]);
    const stale = await fetch(`${url}/app.js`, { headers: { 'if-none-match': '"an older build"' } });
    expect([stale.status, await stale.text()]).toEqual([200, site['app.js']]);
  });

  test('images in a subfolder, byte for byte; HEAD gives the headers and no body', async () => {
    const res = await fetch(`${url}/img/icon.png`);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    const head = await raw(url, '/app.js', 'HEAD');
    expect({ status: head.status, length: head.headers['content-length'], body: head.body }).toEqual({ status: 200, length: String(site['app.js'].length), body: '' });
  });

  test('the security policy', () => {
    expect(PAGE_SECURITY_HEADERS).toEqual({
      'content-security-policy':
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
  });

  test.each([
    '/readme.txt',
    '/.secret.js',
    '/.hidden/x.js',
    '/%2ehidden/x.js',
    '/dir.js',
    '/img',
    '/img/',
    '/missing.js',
    '/../outside.js',
    '/%2e%2e/outside.js',
    '/..%2foutside.js',
    '/..%2Foutside.js',
    '/..%5coutside.js',
    '/img/..%2f..%2foutside.js',
    '/%2e%2e%2fweb-evil.js',
    '/..\\outside.js',
    '/app.js%00',
    '/app.js%00.js',
    '//app.js',
    '/img//icon.png',
    '/%E0%A4%A.js',
  ])('%s is the JSON 404', async (target) => {
    const res = await raw(url, target);
    expect({ status: res.status, body: JSON.parse(res.body) as unknown }).toEqual(NOT_FOUND);
    expect(res.body).not.toContain('secret');
  });

  test.each(['POST', 'PUT', 'DELETE'])('%s / is the JSON 404: the files are GET and HEAD only', async (method) => {
    const res = await raw(url, '/', method);
    expect({ status: res.status, body: JSON.parse(res.body) as unknown }).toEqual(NOT_FOUND);
  });
});

describe('the project’s own web/ folder', () => {
  test('is what the server serves at /', async () => {
    const server = await serveWeb();
    try {
      const res = await fetch(`${server.url}/`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(await readFile(path.join(projectRoot(), 'web', 'index.html'), 'utf8'));
      expect(res.headers.get('content-security-policy')).toBe(PAGE_SECURITY_HEADERS['content-security-policy']);
      expect((await fetch(`${server.url}/package.json`)).status).toBe(404);
      expect((await fetch(`${server.url}/api/../package.json`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  test('Vercel gives its static files the same security headers (vercel.json)', async () => {
    const vercel = JSON.parse(await readFile(path.join(projectRoot(), 'vercel.json'), 'utf8')) as {
      outputDirectory: string;
      headers: { source: string; headers: { key: string; value: string }[] }[];
    };
    expect(vercel.outputDirectory).toBe('web');
    const rule = vercel.headers.find((h) => h.source === '/((?!api/).*)');
    expect(Object.fromEntries((rule?.headers ?? []).map((h) => [h.key, h.value]))).toEqual(PAGE_SECURITY_HEADERS);
  });
});
