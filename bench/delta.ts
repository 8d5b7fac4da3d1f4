import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { loadConfig } from '../src/feed/config.js';
import { publish } from '../src/publish/publish.js';
import { LocalStore } from '../src/store/local/store.js';
import { BENCH, CLI, startServer } from './processes.js';
import { compareInTurns, ratioWithSpread } from './route-load.js';
import type { BenchContext, BenchSection } from './run.js';

const MiB = 1024 * 1024;

/** A deterministic pseudo-random stream, so every run builds the same bundle. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

const WORDS = ['const', 'function', 'return', 'import', 'export', 'await', 'value', 'state', 'props', 'render', 'element', 'undefined', 'null', '=>', '{', '}', '(', ')', ';'];

/** Minified-looking code: words and identifiers, which deflates about as much as a real bundle. */
function code(bytes: number, random: () => number): Buffer {
  const parts: string[] = [];
  let length = 0;
  while (length < bytes) {
    const word = random() < 0.7 ? WORDS[Math.floor(random() * WORDS.length)]! : `v${Math.floor(random() * 5000).toString(36)}`;
    parts.push(word);
    length += word.length + 1;
  }
  return Buffer.from(parts.join(' ').slice(0, bytes));
}

/** A 20 MiB web build: 120 code chunks of 100 KiB, 40 images of 200 KiB (already compressed), an index.html. */
async function writeWebBuild(dir: string, random: () => number): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>([['index.html', Buffer.from('<!doctype html><script src="assets/chunk-0.js"></script>')]]);
  for (let i = 0; i < 120; i++) files.set(`assets/chunk-${i}.js`, code(100 * 1024, random));
  for (let i = 0; i < 40; i++) files.set(`img/photo-${i}.jpg`, Buffer.from(Array.from({ length: 200 * 1024 }, () => Math.floor(random() * 256))));
  for (const [name, bytes] of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), bytes);
  }
  return files;
}

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Bytes on the wire for one GET (the body as sent, before any decoding). */
function bytesOf(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      let n = 0;
      res.on('data', (c: Buffer) => (n += c.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`${url} answered ${res.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

interface Manifest {
  readonly url: string;
  readonly manifest: { file_name: string; file_hash: string; download_url: string }[];
}

/**
 * Delta updates: what a device downloads for a one-file change in a 20 MiB bundle, whole zip against
 * only the files it lacks; and the files route's requests/s against a bare server reading the same
 * file from disk.
 */
export async function benchDelta(ctx: BenchContext): Promise<BenchSection> {
  const random = generator(17);
  const configPath = path.join(ctx.dir, 'delta-updateforge.json');
  await writeFile(configPath, JSON.stringify({ teams: [{ id: 'bench', name: 'Bench' }], apps: [{ id: 'web', team: 'bench', title: 'Web', packageName: 'com.bench.web' }] }));
  const config = await loadConfig(configPath);
  const storeDir = path.join(ctx.dir, 'delta-store');
  const store = await LocalStore.openOrCreate(storeDir);
  const build = path.join(ctx.dir, 'delta-web');
  const files1 = await writeWebBuild(build, random);
  await publish({ store, config, request: { app: 'web', buildType: 'release', version: '1.0.0', path: build } });
  // The one-line fix: one code chunk changes.
  const changed = Buffer.concat([files1.get('assets/chunk-7.js')!, Buffer.from(' /* fix */')]);
  await writeFile(path.join(build, 'assets/chunk-7.js'), changed);
  const { version } = await publish({ store, config, request: { app: 'web', buildType: 'release', version: '1.0.1', path: build } });
  const zipBytes = version.file!.size;
  const total = [...files1.values()].reduce((sum, b) => sum + b.length, 0);

  const server = await startServer([CLI, 'serve', '--store', storeDir, '--port', '0'], { UPDATEFORGE_USERS: '[]', UPDATEFORGE_JWT_SECRET: ctx.secret });
  let bare: Awaited<ReturnType<typeof startServer>> | null = null;
  try {
    const body = JSON.stringify({
      app_id: 'com.bench.web',
      device_id: 'bench-device',
      version_name: '1.0.0',
      version_build: '1.0.0',
      plugin_version: '8.51.14',
      platform: 'android',
      defaultChannel: '',
    });
    const res = await fetch(`${server.url}/api/v1/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answerText = await res.text();
    const answer = JSON.parse(answerText) as Manifest;
    const have = new Set([...files1.values()].map(sha256));
    const missing = answer.manifest.filter((e) => !have.has(e.file_hash));
    if (missing.length !== 1) throw new Error(`expected one changed file, the manifest has ${missing.length}`);
    const whole = await bytesOf(answer.url, {});
    if (whole !== zipBytes) throw new Error(`the zip link sent ${whole} bytes of ${zipBytes}`);
    const deltaGzip = await bytesOf(missing[0]!.download_url, { 'accept-encoding': 'gzip' });
    const deltaPlain = await bytesOf(missing[0]!.download_url, {});
    const answerBytes = Buffer.byteLength(answerText);

    // Requests/s of one 100 KiB code chunk: through the files route, and from disk by a bare server.
    const chunk = answer.manifest.find((e) => e.file_name === 'assets/chunk-3.js')!;
    const chunkFile = path.join(ctx.dir, 'delta-chunk-3.js');
    await writeFile(chunkFile, files1.get('assets/chunk-3.js')!);
    const chunkGzip = await bytesOf(chunk.download_url, { 'accept-encoding': 'gzip' });
    bare = await startServer([path.join(BENCH, 'disk-file-server.js'), chunkFile]);
    const options = { connections: 16, seconds: ctx.seconds * 1.5 };
    const plain = await compareInTurns({ server: bare, url: bare.url, options }, { server, url: chunk.download_url, options });
    const gzip = await compareInTurns(
      { server: bare, url: bare.url, options },
      { server, url: chunk.download_url, options: { ...options, headers: { 'accept-encoding': 'gzip' } } },
    );
    for (const c of [plain, gzip]) if (c.ours.non2xx > 0) throw new Error(`the files route answered ${c.ours.non2xx} non-2xx responses under load`);
    const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
    const row = (label: string, c: typeof plain, side: 'baseline' | 'ours') =>
      `| ${label} | ${Math.round(c[side].requestsPerSecond)} | ${c[side].p99Ms} ms | ${Math.round(c[side].cpuMicrosPerRequest)} µs |`;
    return {
      title: 'Delta updates: bytes per device, and the files route',
      body: [
        `A web build of ${(total / MiB).toFixed(1)} MiB (${files1.size} files: 120 code chunks of 100 KiB, 40 JPEGs of 200 KiB, index.html), zipped to ${(zipBytes / MiB).toFixed(1)} MiB;`,
        'version 1.0.1 changes one code chunk. A plugin-8.51 device on 1.0.0 asks for the update and fetches what it lacks.',
        '',
        '| what the device downloads | bytes | vs the whole zip |',
        '| --- | ---: | ---: |',
        `| the whole zip (\`url\`: plugins without delta updates, encrypted bundles) | ${kib(zipBytes)} | 100% |`,
        `| the changed file, gzip as stored in the zip (a client that sends \`Accept-Encoding: gzip\`) | ${kib(deltaGzip)} | ${((deltaGzip / zipBytes) * 100).toFixed(2)}% |`,
        `| the changed file, plain | ${kib(deltaPlain)} | ${((deltaPlain / zipBytes) * 100).toFixed(2)}% |`,
        `| the update answer itself, with its manifest of ${answer.manifest.length} files | ${kib(answerBytes)} | ${((answerBytes / zipBytes) * 100).toFixed(2)}% |`,
        '',
        `**A one-file change costs a device ${(((deltaGzip + answerBytes) / zipBytes) * 100).toFixed(1)}% of the whole zip (answer included, gzip), ${(((deltaPlain + answerBytes) / zipBytes) * 100).toFixed(1)}% plain.**`,
        '',
        `Requests/s for one 100 KiB code chunk: \`GET /api/v1/bundles/{id}/files/{path}\` (token check, file list from memory, one range read of the stored zip, inflated on the thread pool and its CRC-32 checked) against a bare node:http server reading the same file from disk at each request.`,
        `Load: autocannon in a second process, ${options.connections} connections; the two in turns, 3 rounds, the median round of each shown.`,
        '',
        '| server | requests/s | p99 latency | CPU per request |',
        '| --- | ---: | ---: | ---: |',
        row('bare server, file from disk (baseline)', plain, 'baseline'),
        row('files route, plain (inflated on the fly)', plain, 'ours'),
        row('bare server, file from disk (baseline, second turn)', gzip, 'baseline'),
        row('files route, gzip (the zip entry as stored)', gzip, 'ours'),
        '',
        `**Ratio to the bare server's requests/s: plain ${ratioWithSpread(plain)}; gzip ${ratioWithSpread(gzip)}.** The gzip answer is ${kib(chunkGzip)} on the wire, the plain one and the baseline's 100 KiB.`,
      ].join('\n'),
    };
  } finally {
    await bare?.stop();
    await server.stop();
  }
}
