import { createHash } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InstallFailure } from '../../helpers/capgo/plugin-crypto.js';
import {
  ANDROID_8_51_14,
  ANDROID_BR_SUFFIX_OLD,
  ANDROID_CI,
  ANDROID_EVERY_FILE,
  ANDROID_EVERY_FILE_SWALLOW,
  IOS_8_51_14,
  IOS_BR_SUFFIX,
  IOS_VERIFIED,
  installDelta,
  type ManifestEntry,
  type RawGet,
} from '../../helpers/capgo/plugin-delta.js';
import { FLEET } from '../../helpers/capgo/plugin-fleet.js';

/**
 * The delta model against hand-made answers served by a tiny loopback server (not
 * UpdateForge's): each path serves fixed raw bytes and headers, and every request's
 * headers are recorded.
 */

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const br = (bytes: Buffer) => brotliCompressSync(bytes);

const INDEX = Buffer.from('<!doctype html><html><body><script src="assets/app.js"></script></body></html>');
const APP = Buffer.from('console.log("delta");\n'.repeat(500));
const LOGO = Buffer.from(Array.from({ length: 2048 }, (_, i) => (i * 7) % 256));

interface Served {
  readonly body: Buffer;
  readonly status?: number;
  readonly headers?: Record<string, string>;
}
const routes = new Map<string, Served>();
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
let server: Server;
let base = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', headers: req.headers });
    const route = routes.get(req.url ?? '');
    if (!route) {
      res.writeHead(404).end('missing');
      return;
    }
    res.writeHead(route.status ?? 200, { 'content-length': String(route.body.length), ...route.headers });
    res.end(route.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Raw bytes and headers, no decoding, no redirects: what the model's HTTP client emulation starts from. */
const rawGet: RawGet = (url, headers) =>
  new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        const status = res.statusCode ?? 0;
        resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers: h }));
      });
    });
    req.on('error', reject);
    req.end();
  });

/** Serves `body` at a fresh path and returns a manifest entry for it. */
let counter = 0;
function serve(fileName: string, body: Buffer, hashOf: Buffer, extra: Omit<Served, 'body'> = {}): ManifestEntry {
  const path = `/f/${++counter}/${encodeURIComponent(fileName)}`;
  routes.set(path, { body, ...extra });
  return { file_name: fileName, file_hash: sha(hashOf), download_url: `${base}${path}` };
}
const hits = (entry: ManifestEntry) => seen.filter((s) => `${base}${s.path}` === entry.download_url).length;
const none = { builtin: new Map<string, Buffer>() };

describe('brotli', () => {
  test('the every-file era brotli-decodes every file whatever its name, and fails on a file that is not brotli', async () => {
    const index = serve('index.html', br(INDEX), INDEX);
    const app = serve('assets/app.js', br(APP), APP);
    const result = await installDelta(ANDROID_EVERY_FILE, [index, app], none, rawGet);
    expect(result.files.get('index.html')).toEqual(INDEX);
    expect(result.files.get('assets/app.js')).toEqual(APP);
    expect(result.downloaded).toEqual(['index.html', 'assets/app.js']);

    const plain = serve('assets/logo.png', LOGO, LOGO);
    await expect(installDelta(ANDROID_EVERY_FILE, [index, plain], none, rawGet)).rejects.toThrow(/brotli/);
    // 7.0.2 / Feb-2025 8.0.x swallow the failure: the update "succeeds" without the file.
    const swallowed = await installDelta(ANDROID_EVERY_FILE_SWALLOW, [index, plain], none, rawGet);
    expect([...swallowed.files.keys()]).toEqual(['index.html']);
    expect(swallowed.dropped).toEqual(['assets/logo.png']);
  });

  test('the .br era decompresses only names ending .br, stores them without it, and takes other files as they are', async () => {
    const index = serve('index.html', INDEX, INDEX);
    const app = serve('assets/app.js.br', br(APP), APP);
    const logo = serve('assets/logo.png', LOGO, LOGO);
    for (const rules of [ANDROID_8_51_14, IOS_8_51_14]) {
      const result = await installDelta(rules, [index, app, logo], none, rawGet);
      expect([...result.files.keys()].sort()).toEqual(['assets/app.js', 'assets/logo.png', 'index.html']);
      expect(result.files.get('assets/app.js')).toEqual(APP);
      expect(result.files.get('assets/logo.png')).toEqual(LOGO);
    }
    // A brotli body under a plain name is kept compressed, so its hash (of the plain bytes) fails.
    const wrong = serve('assets/other.js', br(APP), APP);
    await expect(installDelta(ANDROID_8_51_14, [index, wrong], none, rawGet)).rejects.toThrow(/checksum/);
  });
});

describe('hash', () => {
  test('a wrong hash fails the update where the build checks; old iOS installs a plain file unchecked', async () => {
    const index = serve('index.html', INDEX, INDEX);
    const bad = serve('assets/app.js', APP, Buffer.from('something else'));
    for (const rules of [ANDROID_CI, ANDROID_8_51_14, IOS_VERIFIED, IOS_8_51_14]) {
      const attempt = installDelta(rules, [index, bad], none, rawGet);
      await expect(attempt).rejects.toBeInstanceOf(InstallFailure);
      await expect(attempt).rejects.toThrow(/download_manifest_checksum_fail/);
    }
    const unchecked = await installDelta(IOS_BR_SUFFIX, [index, bad], none, rawGet);
    expect(unchecked.files.get('assets/app.js')).toEqual(APP);
  });

  test('an upper-case hash passes Android from 8.42.7 but fails iOS, which compares exactly', async () => {
    const index = serve('index.html', INDEX, INDEX);
    const app = serve('assets/app.js', APP, APP);
    const upper = { ...app, file_hash: app.file_hash.toUpperCase() };
    await expect(installDelta(ANDROID_8_51_14, [index, upper], none, rawGet)).resolves.toBeDefined();
    await expect(installDelta(IOS_8_51_14, [index, upper], none, rawGet)).rejects.toThrow(/checksum/);
  });
});

describe('files the device already has', () => {
  test('a builtin asset or a cached file with the right hash is not downloaded', async () => {
    const index = serve('index.html', INDEX, INDEX);
    const app = serve('assets/app.js', APP, APP);
    const before = hits(app);
    // iOS: App.app/public/<file_name>.
    const ios = await installDelta(IOS_8_51_14, [index, app], { builtin: new Map([['assets/app.js', APP]]) }, rawGet);
    expect(ios.reused).toEqual(['assets/app.js']);
    expect(ios.downloaded).toEqual(['index.html']);
    expect(ios.files.get('assets/app.js')).toEqual(APP);
    // Android before 8.51.10 never reuses the app's assets, but does reuse its cache `{hash}_{basename}`.
    const android = await installDelta(ANDROID_CI, [index, app], { builtin: new Map([['assets/app.js', APP]]) }, rawGet);
    expect(android.downloaded).toEqual(['index.html', 'assets/app.js']);
    const cached = await installDelta(ANDROID_CI, [index, app], { builtin: new Map(), cache: android.cacheWrites }, rawGet);
    expect(cached.reused).toEqual(['index.html', 'assets/app.js']);
    expect(cached.downloaded).toEqual([]);
    expect(hits(app) - before).toBe(1);
  });

  test('before the fix, a reused .br entry lands under its .br name, so the bundle lacks the real file', async () => {
    const index = serve('index.html', INDEX, INDEX);
    const app = serve('assets/app.js.br', br(APP), APP);
    const first = await installDelta(ANDROID_BR_SUFFIX_OLD, [index, app], none, rawGet);
    expect(first.files.has('assets/app.js')).toBe(true);
    const second = await installDelta(ANDROID_BR_SUFFIX_OLD, [index, app], { builtin: new Map(), cache: first.cacheWrites }, rawGet);
    expect(second.files.has('assets/app.js')).toBe(false);
    expect(second.files.get('assets/app.js.br')).toEqual(APP);
  });
});

describe('HTTP', () => {
  test('Android asks for gzip and decodes it; a .br file sent with Content-Encoding: br breaks iOS, which decodes it first', async () => {
    const index = serve('index.html', gzipSync(INDEX), INDEX, { headers: { 'content-encoding': 'gzip' } });
    const result = await installDelta(ANDROID_8_51_14, [index], { builtin: new Map(), userAgent: 'CapacitorUpdater/8.51.14 (com.acme.rocket) android/14' }, rawGet);
    expect(result.files.get('index.html')).toEqual(INDEX);
    const last = seen.at(-1)!;
    expect(last.headers['accept-encoding']).toBe('gzip');
    expect(last.headers['range']).toBeUndefined();
    expect(last.headers['user-agent']).toBe('CapacitorUpdater/8.51.14 (com.acme.rocket) android/14');

    const plainIndex = serve('index.html', INDEX, INDEX);
    const app = serve('assets/app.js.br', br(APP), APP, { headers: { 'content-encoding': 'br' } });
    await expect(installDelta(ANDROID_8_51_14, [plainIndex, app], none, rawGet)).resolves.toBeDefined();
    await expect(installDelta(IOS_8_51_14, [plainIndex, app], none, rawGet)).rejects.toThrow(/brotli/);
  });

  test('8.51.14 Android takes only 200/206; older builds any 2xx; a 404 fails the update', async () => {
    const index = serve('index.html', INDEX, INDEX);
    const created = serve('assets/app.js', APP, APP, { status: 201 });
    await expect(installDelta(ANDROID_CI, [index, created], none, rawGet)).resolves.toBeDefined();
    await expect(installDelta(ANDROID_8_51_14, [index, created], none, rawGet)).rejects.toThrow(/HTTP 201/);
    const missing = { ...created, download_url: `${base}/nowhere` };
    await expect(installDelta(IOS_8_51_14, [index, missing], none, rawGet)).rejects.toThrow(/HTTP 404/);
  });
});

describe('reading the answer', () => {
  const model = (platform: string, build: string) => FLEET.find((m) => m.platform === platform && m.build === build)!;
  const answer = { version: '1.0.1', url: 'https://example.com/b.zip', checksum: '' };
  const entry = { file_name: 'index.html', file_hash: sha(INDEX), download_url: 'https://example.com/index.html' };

  test('Android: a manifest present but not an array fails the update; builds without manifest code ignore it', () => {
    expect(model('android', '8.51.14').read({ ...answer, manifest: null })).toMatchObject({ kind: 'error' });
    expect(model('android', '8.51.14').read({ ...answer, manifest: [entry] })).toMatchObject({ kind: 'download', manifest: [entry] });
    expect(model('android', '6.2.0').read({ ...answer, manifest: 'junk' })).toMatchObject({ kind: 'download', manifest: null });
    // 8.45.11+ read file_hash with optString; 8.2.0 with getString, which throws.
    const { file_hash: _, ...noHash } = entry;
    expect(model('android', '8.45.11').read({ ...answer, manifest: [noHash] })).toMatchObject({ kind: 'download', manifest: [{ ...noHash, file_hash: '' }] });
    expect(model('android', '8.2.0').read({ ...answer, manifest: [noHash] })).toMatchObject({ kind: 'error' });
  });

  test('iOS: null means the zip; a wrongly typed manifest fails decoding only where the struct has the field', () => {
    expect(model('ios', '8.51.14').read({ ...answer, manifest: null })).toMatchObject({ kind: 'download', manifest: null });
    expect(model('ios', '8.51.14').read({ ...answer, manifest: { a: 1 } })).toMatchObject({ kind: 'error', reason: expect.stringMatching(/decoding/) });
    expect(model('ios', '8.51.14').read({ ...answer, manifest: [{ ...entry, file_hash: 7 }] })).toMatchObject({ kind: 'error' });
    expect(model('ios', '6.2.0').read({ ...answer, manifest: { a: 1 } })).toMatchObject({ kind: 'download', manifest: null });
  });
});
