import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { openChecksum, openSessionKey } from '../../src/capgo/bundle-encryption.js';
import { publish } from '../../src/publish/publish.js';
import { projectRoot } from '../../src/util/project-root.js';
import { tempDir } from '../helpers/fixtures.js';
import { startLiveFeed, webBuild } from '../helpers/live-feed.js';

/**
 * The real peer: Capgo's own CLI (`@capgo/cli`, a dev dependency), run offline in a stub
 * Capacitor project. It must decrypt and verify what we encrypt, and we must serve
 * what it encrypts.
 */
const CAPGO = path.join(projectRoot(), 'node_modules', '@capgo', 'cli', 'dist', 'index.js');
/** Runs the CLI with no standard input, so its interactive questions end at once. */
function capgo(project: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CAPGO, ...args], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000, env: { PATH: process.env['PATH'], HOME: project, CI: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`capgo ${args.join(' ')} exited with ${code}: ${stderr || stdout}`))));
  });
}

/** A Capacitor project as the CLI expects it: config, package.json, and the installed updater's version (which picks the checksum form). */
async function capacitorProject(updaterVersion: string): Promise<string> {
  const dir = await tempDir('uf-capacitor-');
  await mkdir(path.join(dir, 'node_modules', '@capgo', 'capacitor-updater'), { recursive: true });
  await writeFile(path.join(dir, 'capacitor.config.json'), JSON.stringify({ appId: 'com.acme.rocket', appName: 'Rocket', webDir: 'dist' }));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'rocket', version: '1.0.0', dependencies: { '@capgo/capacitor-updater': updaterVersion } }));
  await writeFile(path.join(dir, 'node_modules', '@capgo', 'capacitor-updater', 'package.json'), JSON.stringify({ name: '@capgo/capacitor-updater', version: updaterVersion }));
  await capgo(dir, ['key', 'create']);
  return dir;
}

async function download(url: string, file: string): Promise<Buffer> {
  const bytes = Buffer.from(await (await fetch(url)).arrayBuffer());
  await writeFile(file, bytes);
  return bytes;
}

describe('@capgo/cli as the other side', () => {
  test.each([
    ['8.51.14', 'the hex (V3) checksum'],
    ['6.20.0', 'the legacy base64 checksum'],
  ])('decrypts our encrypted bundle and verifies %s updater’s checksum (%s)', async (updater) => {
    const project = await capacitorProject(updater);
    const feed = await startLiveFeed();
    const folder = await webBuild('encrypted by updateforge');
    const plain = await feed.publishBundle({ version: '0.9.0', path: folder });
    await publish({
      store: feed.store,
      config: feed.config,
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: folder, encryptKey: { pem: await readFile(path.join(project, '.capgo_key_v2'), 'utf8'), source: '.capgo_key_v2' } },
    });
    const answer = (await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: '0.9.0', plugin_version: updater, platform: 'android' })).json;
    const file = path.join(project, 'bundle.zip');
    await download(String(answer['url']), file);

    const output = await capgo(project, ['bundle', 'decrypt', file, String(answer['session_key']), '--checksum', String(answer['checksum'])]);
    expect(output).toContain('Checksum matches');
    const decrypted = await readFile(`${file}_decrypted.zip`);
    const expected = Buffer.from(await new Response(await feed.store.openAsset(plain.file!.assetId)).arrayBuffer());
    expect(decrypted.equals(expected)).toBe(true);
  });

  test('a checksum that does not match is refused by the CLI too', async () => {
    const project = await capacitorProject('8.51.14');
    const feed = await startLiveFeed();
    await publish({
      store: feed.store,
      config: feed.config,
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await webBuild('x'), encryptKey: { pem: await readFile(path.join(project, '.capgo_key_v2'), 'utf8'), source: 'key' } },
    });
    const other = await feed.publishBundle({ version: '2.0.0', buildType: 'debug', encrypt: true });
    const answer = (await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin' })).json;
    const file = path.join(project, 'bundle.zip');
    await download(String(answer['url']), file);
    await expect(capgo(project, ['bundle', 'decrypt', file, String(answer['session_key']), '--checksum', other.file!.encryption!.checksum!])).rejects.toThrow();
  });

  test('serves a bundle the CLI zipped and encrypted, with its session key and checksum', async () => {
    const project = await capacitorProject('8.51.14');
    await mkdir(path.join(project, 'dist'));
    await writeFile(path.join(project, 'dist', 'index.html'), '<h1>zipped by capgo</h1>');
    const zipped = JSON.parse(await capgo(project, ['bundle', 'zip', 'com.acme.rocket', '--path', 'dist', '--bundle', '1.0.0', '--json', '--no-code-check'])) as { filename: string; checksum: string };
    const encrypted = JSON.parse(await capgo(project, ['bundle', 'encrypt', zipped.filename, zipped.checksum, '--json'])) as { filename: string; checksum: string; ivSessionKey: string };

    const feed = await startLiveFeed();
    await publish({
      store: feed.store,
      config: feed.config,
      request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: path.join(project, encrypted.filename), sessionKey: encrypted.ivSessionKey, checksum: encrypted.checksum },
    });
    const answer = (await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '8.51.14' })).json;
    expect(answer['session_key']).toBe(encrypted.ivSessionKey);
    expect(answer['checksum']).toBe(encrypted.checksum);

    // What the plugin then does with the app's public key.
    const publicKey = await readFile(path.join(project, '.capgo_key_v2.pub'), 'utf8');
    const decipher = openSessionKey(String(answer['session_key']), publicKey);
    const zip = Buffer.concat([decipher.update(await download(String(answer['url']), path.join(project, 'got.zip'))), decipher.final()]);
    expect(zip.equals(await readFile(path.join(project, zipped.filename)))).toBe(true);
    expect(openChecksum(String(answer['checksum']), publicKey)).toBe(zipped.checksum);

    // A plugin below 5.30/6.30/7.30 cannot read that hex form: it is told so rather than sent a checksum it would reject.
    expect((await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '6.25.1' })).json).toMatchObject({ error: 'plugin_too_old' });
  });

  test('serves a zip the CLI made with the SHA-256 checksum it printed', async () => {
    const project = await capacitorProject('8.51.14');
    await mkdir(path.join(project, 'dist', 'assets'), { recursive: true });
    await writeFile(path.join(project, 'dist', 'index.html'), '<h1>plain</h1>');
    await writeFile(path.join(project, 'dist', 'assets', 'app.js'), 'console.log(1)');
    const zipped = JSON.parse(await capgo(project, ['bundle', 'zip', 'com.acme.rocket', '--path', 'dist', '--bundle', '2.0.0', '--json', '--no-code-check'])) as { filename: string; checksum: string };
    const feed = await startLiveFeed();
    await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: path.join(project, zipped.filename) } });
    expect((await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '8.51.14' })).json['checksum']).toBe(zipped.checksum);
  });
});
