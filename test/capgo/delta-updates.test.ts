import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { beforeAll, describe, expect, test } from 'vitest';
import type { VersionRecord } from '../../src/feed/version-record.js';
import { parseBundleFiles } from '../../src/feed/bundle-files.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { tempDir, writeConfig, writeFolder } from '../helpers/fixtures.js';
import { githubStore, READ_TOKEN, useFakeGitHub } from '../helpers/github.js';
import { LIVE_CONFIG } from '../helpers/live-feed.js';
import { serve } from '../helpers/server.js';
import { manualClock } from '../helpers/clock.js';
import { withFaults } from '../helpers/faulty-store.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { jsonLogger } from '../../src/util/logger.js';
import { registerSecret } from '../helpers/sweep/record.js';

/**
 * Delta updates end to end, on both stores: publish two bundles that differ in one file, ask as a
 * device on the first, and fetch every file of the answer's `manifest` through its link, counting
 * what the server read from the store to serve each one.
 */

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** A web build with the kinds of file a bundle holds: text that deflates, images stored as they are, nested and odd names, an empty file, a precompressed `.br`. */
async function bundleFiles(index: string): Promise<Map<string, Buffer>> {
  return new Map<string, Buffer>([
    ['index.html', Buffer.from(`<!doctype html><title>${index}</title>`)],
    ['assets/app.js', Buffer.from(`${'console.log("some code");\n'.repeat(20_000)}${randomBytes(4096).toString('base64')}`)],
    ['assets/logo.png', randomBytes(64 * 1024)],
    ['assets/empty.txt', Buffer.alloc(0)],
    ['fonts/a font ü.woff2', randomBytes(3000)],
    ['data/strings.json.br', randomBytes(500)],
    // Past the size the server answers from one buffer: streamed, inflating as it goes.
    ['assets/vendor.js', Buffer.from(`${'export const lib = () => 42;\n'.repeat(60_000)}${randomBytes(2048).toString('hex')}`)],
  ]);
}

interface Answer {
  version: string;
  url: string;
  checksum: string;
  manifest?: { file_name: string; file_hash: string; download_url: string }[];
}

const device = (plugin: string, over: Record<string, unknown> = {}) => ({
  app_id: 'com.acme.rocket',
  device_id: randomUUID(),
  version_name: '1.0.0',
  version_build: '1.0.0',
  plugin_version: plugin,
  platform: 'android',
  is_emulator: false,
  is_prod: true,
  defaultChannel: '',
  custom_id: '',
  version_code: '1',
  version_os: '14',
  ...over,
});

/** What the server read from the store: bytes of asset data, over every openAsset it made. */
interface StoreMeter {
  bytes(): number;
  /** GitHub API requests for an asset so far (each costs the token's hourly budget); 0 for a folder. */
  assetRequests(): number;
}

/** The folder store with a meter on the asset bytes it hands the server. */
function meteredLocal(store: LocalStore): { store: Store; meter: StoreMeter } {
  let bytes = 0;
  const metered = withFaults(store, {
    openAsset: async (inner, assetId, range, expected) =>
      (await inner.openAsset(assetId, range, expected)).pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform(chunk, controller) {
            bytes += chunk.length;
            controller.enqueue(chunk);
          },
        }),
      ),
  });
  return { store: metered, meter: { bytes: () => bytes, assetRequests: () => 0 } };
}

const { fake, newRepo } = useFakeGitHub();

type Setup = { url: string; reader: Store; meter: StoreMeter; v1: VersionRecord; v2: VersionRecord; files1: Map<string, Buffer>; files2: Map<string, Buffer> };

async function setUp(kind: 'folder' | 'github'): Promise<Setup> {
  const config = await writeConfig(LIVE_CONFIG);
  const files1 = await bundleFiles('one');
  const files2 = new Map(files1).set('index.html', Buffer.from('<!doctype html><title>two</title>'));
  let writer: Store;
  let reader: Store;
  let meter: StoreMeter;
  if (kind === 'folder') {
    const local = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    writer = local;
    ({ store: reader, meter } = meteredLocal(local));
  } else {
    const repo = newRepo();
    writer = githubStore(fake(), repo);
    reader = githubStore(fake(), repo, { token: READ_TOKEN, patience: 'serve' });
    meter = { bytes: () => fake().assetBytesSent, assetRequests: () => fake().requests.filter((r) => r.operationId === 'repos/get-release-asset').length };
  }
  const publishFolder = async (version: string, files: Map<string, Buffer>) =>
    (await publish({ store: writer, config, request: { app: 'rocket', buildType: 'release', version, path: await writeFolder(files) } })).version;
  const v1 = await publishFolder('1.0.0', files1);
  const v2 = await publishFolder('1.0.1', files2);
  const server = await serve({ store: reader, users: [] });
  return { url: server.url, reader: writer, meter, v1, v2, files1, files2 };
}

async function check(url: string, body: unknown): Promise<Answer> {
  const res = await fetch(`${url}/api/v1/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as Answer;
  registerSecret('token', new URL(answer.url).searchParams.get('token') ?? undefined, 'a device link token');
  return answer;
}

/** GET without fetch's own decoding: the body as sent, with its headers. */
async function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') h.set(k, v);
        resolve({ status: res.statusCode ?? 0, headers: h, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe.each(['folder', 'github'] as const)('delta updates on the %s store', (kind) => {
  let s: Setup;
  beforeAll(async () => {
    s = await setUp(kind);
  }, 60_000);

  test('the answer lists every file of 1.0.1 with its SHA-256; each link serves exactly its bytes, and only index.html is new to a 1.0.0 device', async () => {
    const answer = await check(s.url, device('8.51.14'));
    expect(answer.version).toBe('1.0.1');
    expect(answer.url).toContain(`/api/v1/versions/${s.v2.id}/download?token=`);
    const manifest = answer.manifest!;
    // 8.51 drops ".br" from a name after decompressing it (8.51.14:A/DownloadService.java:489-491): a bundle's own .br file goes out compressed once more.
    const expectedNames = [...s.files2.keys()].map((n) => (n.endsWith('.br') ? `${n}.br` : n)).sort();
    expect(manifest.map((e) => e.file_name).sort()).toEqual(expectedNames);
    for (const entry of manifest) {
      const name = entry.file_name.endsWith('.br.br') ? entry.file_name.slice(0, -3) : entry.file_name;
      const bytes = s.files2.get(name)!;
      expect(entry.file_hash, name).toBe(sha256(bytes));
      const res = await rawGet(entry.download_url);
      expect(res.status, name).toBe(200);
      const body = entry.file_name.endsWith('.br') ? brotliDecompressSync(res.body) : res.body;
      expect(body.equals(bytes), name).toBe(true);
    }
    const alreadyThere = new Set([...s.files1.values()].map(sha256));
    expect(manifest.filter((e) => !alreadyThere.has(e.file_hash)).map((e) => e.file_name)).toEqual(['index.html']);
  });

  test('plugins that brotli-decompress every file get every link in its .br form, under the file’s own name', async () => {
    const answer = await check(s.url, device('7.0.30'));
    const manifest = answer.manifest!;
    expect(manifest.map((e) => e.file_name).sort()).toEqual([...s.files2.keys()].sort());
    for (const entry of manifest) {
      expect(new URL(entry.download_url).pathname.endsWith('.br')).toBe(true);
      const res = await rawGet(entry.download_url);
      expect(res.status).toBe(200);
      expect(sha256(brotliDecompressSync(res.body)), entry.file_name).toBe(entry.file_hash);
    }
  });

  test('builds that ignore manifest, or would install a bundle short of a file that failed, get the whole zip only', async () => {
    const cases = [
      ['android', '5.9.5'], // no manifest code
      ['android', '6.1.32'],
      ['ios', '7.0.1'],
      ['android', '7.0.10'], // logs a failed file and installs the rest (7.0.2:A/DownloadService.java:218-223)
      ['ios', '7.0.30'], // leaves out a file whose download failed (7.0.2:iP/CapacitorUpdater.swift:496-498)
      ['android', '7.30.0'], // writes a reused .br file under its .br name: this bundle has one (7.0.38:A/DownloadService.java:177,190-195)
    ] as const;
    for (const [platform, plugin] of cases) {
      const answer = await check(s.url, device(plugin, { platform }));
      expect(answer.version, plugin).toBe('1.0.1');
      expect(answer.manifest, `${platform} ${plugin}`).toBeUndefined();
    }
  });

  test('a file request reads exactly that entry’s bytes from the store: no central directory, and the file list once per server', async () => {
    const answer = await check(s.url, device('8.51.14'));
    const ref = s.v2.file!.files!;
    const list = parseBundleFiles(Buffer.from(await new Response(await s.reader.openAsset(ref.assetId)).arrayBuffer()), 'the file list');
    let total = 0;
    const apiBefore = s.meter.assetRequests();
    for (const entry of answer.manifest!) {
      const name = entry.file_name.endsWith('.br.br') ? entry.file_name.slice(0, -3) : entry.file_name;
      const listed = list.files.find((f) => f.name === name)!;
      const before = s.meter.bytes();
      expect((await rawGet(entry.download_url)).status, name).toBe(200);
      const read = s.meter.bytes() - before;
      expect(read, name).toBe(listed.compressedSize);
      total += read;
    }
    // Together less than the zip: each entry's data, never its headers, the central directory or the list again.
    expect(total).toBeLessThan(s.v2.file!.size);
    // On GitHub, the zip's signed link is asked for once and reused by every file (src/store/github/signed-links.ts).
    expect(s.meter.assetRequests() - apiBefore).toBeLessThanOrEqual(1);
  });

  test('getLatest({includeBundleSize: true}) on 8.51: the bytes the files a device lacks will cost, as the files route sends them', async () => {
    const answer = await check(s.url, device('8.51.14'));
    const have = new Set([...s.files1.values()].map(sha256));
    const missing = answer.manifest!.filter((e) => !have.has(e.file_hash));
    // The request 8.51 makes: its info object, the version offered and the entries it lacks (8.51.14:A/CapgoUpdater.java:630-660).
    const unknown = { file_name: 'other.js', file_hash: 'f'.repeat(64), download_url: 'https://elsewhere.example/other.js' };
    const body = { ...device('8.51.14'), version: answer.version, manifest: [...missing, missing[0], unknown, { file_name: 'no-hash.js' }] };
    const res = await fetch(`${s.url}/api/v1/updates/manifest_size`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(res.status).toBe(200);
    const sizes = (await res.json()) as { totalSize: number; knownFiles: number; unknownFiles: number; files: { file_hash: string; size?: number; error?: string }[] };
    // What 8.51 downloads: its OkHttp asks for gzip (square/okhttp@0c46404b:.../BridgeInterceptor.kt:67-71).
    let sent = 0;
    for (const entry of missing) sent += (await rawGet(entry.download_url, { 'accept-encoding': 'gzip' })).body.length;
    expect(sizes).toMatchObject({ totalSize: sent, knownFiles: missing.length, unknownFiles: 1 });
    expect(sizes.files.map((f) => f.error ?? 'known')).toEqual([...missing.map(() => 'known'), 'size_unknown']);

    const bad = await fetch(`${s.url}/api/v1/updates/manifest_size`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ manifest: [] }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_request', kind: 'failed' });
  });

  test.each(['assets/app.js', 'assets/vendor.js'])('%s: gzip as stored, a resumed range, HEAD, and what a wrong link gets', async (file) => {
    const answer = await check(s.url, device('8.51.14'));
    const link = answer.manifest!.find((e) => e.file_name === file)!.download_url;
    const bytes = s.files2.get(file)!;

    const gz = await rawGet(link, { 'accept-encoding': 'gzip' });
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(Number(gz.headers.get('content-length'))).toBe(gz.body.length);
    expect((await import('node:zlib')).gunzipSync(gz.body).equals(bytes)).toBe(true);

    const part = await rawGet(link, { range: 'bytes=1000-', 'accept-encoding': 'gzip' });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-${bytes.length - 1}/${bytes.length}`);
    expect(part.headers.get('content-encoding')).toBeNull();
    expect(part.body.equals(bytes.subarray(1000))).toBe(true);

    const head = await fetch(link, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('etag')).toBe(`"${sha256(bytes)}"`);

    const tooFar = await rawGet(link, { range: `bytes=${bytes.length}-` });
    expect(tooFar.status).toBe(416);
    expect(JSON.parse(tooFar.body.toString())).toEqual({ error: 'range not satisfiable' });

    const base = link.slice(0, link.indexOf('?'));
    const token = new URL(link).searchParams.get('token')!;
    const missing = await rawGet(`${base.slice(0, base.lastIndexOf('/'))}/nope.js?token=${token}`);
    expect([missing.status, JSON.parse(missing.body.toString())]).toEqual([404, { error: 'file not in bundle' }]);
    const noToken = await rawGet(base);
    expect([noToken.status, JSON.parse(noToken.body.toString())]).toEqual([401, { error: 'unauthorized' }]);
    // The link of 1.0.1 opens nothing of 1.0.0.
    const otherVersion = await rawGet(`${base.replace(s.v2.id, s.v1.id)}?token=${token}`);
    expect(otherVersion.status).toBe(401);
  });
});

describe('a stored zip whose bytes no longer match its file list', () => {
  test('a whole-buffer file is a 500, a streamed one is cut off: never wrong bytes that look whole', async () => {
    const root = path.join(await tempDir(), 'store');
    const store = await LocalStore.openOrCreate(root);
    const config = await writeConfig(LIVE_CONFIG);
    const files = new Map([
      ['index.html', Buffer.from('<!doctype html><title>damaged</title>')],
      ['big.bin', randomBytes(1536 * 1024)],
    ]);
    const { version } = await publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeFolder(files) } });
    const server = await serve({ store, users: [] });
    const answer = await check(server.url, device('8.51.14', { version_name: 'builtin' }));
    // Damage one byte inside each entry's data: the list still says what the bytes were.
    const zipPath = path.join(root, 'assets', version.file!.assetId);
    const zip = await readFile(zipPath);
    const list = parseBundleFiles(await readFile(path.join(root, 'assets', version.file!.files!.assetId)), 'list');
    for (const f of list.files) zip[f.offset + Math.floor(f.compressedSize / 2)]! ^= 0xff;
    await writeFile(zipPath, zip);

    const small = await rawGet(answer.manifest!.find((e) => e.file_name === 'index.html')!.download_url);
    expect([small.status, JSON.parse(small.body.toString())]).toEqual([500, { error: 'internal error' }]);
    const big = answer.manifest!.find((e) => e.file_name === 'big.bin')!.download_url;
    const res = await fetch(big);
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
  });
});

describe('a file list the store cannot give', () => {
  test('the update offers the whole zip at once, asks the store again only after 30 s, then offers the delta', async () => {
    const root = path.join(await tempDir(), 'store');
    const local = await LocalStore.openOrCreate(root);
    const config = await writeConfig(LIVE_CONFIG);
    const { version } = await publish({
      store: local,
      config,
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeFolder(await bundleFiles('one')) },
    });
    const listId = version.file!.files!.assetId;
    let listReads = 0;
    let failing = true;
    const store = withFaults(local, {
      openAsset: async (inner, assetId, range, expected) => {
        if (assetId === listId) {
          listReads++;
          if (failing) throw new StoreUnavailableError('GitHub is down');
        }
        return inner.openAsset(assetId, range, expected);
      },
    });
    const clock = manualClock(Date.now());
    const lines: string[] = [];
    const server = await serve({ store, users: [], now: clock.now, log: jsonLogger((line) => lines.push(line)) });
    const ask = () => check(server.url, device('8.51.14', { version_name: 'builtin' }));

    const first = await ask();
    expect(first.version).toBe('1.0.0');
    expect(first.manifest).toBeUndefined();
    expect(lines.some((l) => l.includes('bundle file list unavailable'))).toBe(true);
    await ask();
    expect(listReads).toBe(1);

    failing = false;
    clock.advance(31_000);
    expect((await ask()).manifest?.length).toBe(7);
    expect(listReads).toBe(2);
  });
});
