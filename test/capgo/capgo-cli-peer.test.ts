import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { createPublicKey } from 'node:crypto';
import { keyIdOf } from '../../src/capgo/bundle-encryption.js';
import { openChecksum, openSessionKey } from '../helpers/capgo/open-bundle.js';
import { publish } from '../../src/publish/publish.js';
import { capacitorProject, capgo, capgoEncryptedBundle } from '../helpers/capgo-cli.js';
import { startLiveFeed, webBuild } from '../helpers/live-feed.js';

/** The `key_id` a plugin of `version` sends for the project's public key, if it sends one. */
async function keyIdOfProject(project: string, version: string): Promise<{ key_id?: string }> {
  if (!version.startsWith('8.')) return {};
  return { key_id: keyIdOf(createPublicKey(await readFile(path.join(project, '.capgo_key_v2.pub'), 'utf8'))) };
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
      request: {
        app: 'rocket',
        buildType: 'release',
        version: '1.0.0',
        path: folder,
        encryptKey: { pem: await readFile(path.join(project, '.capgo_key_v2'), 'utf8'), source: '.capgo_key_v2' },
      },
    });
    // 8.x sends key_id once the app has a public key (8.51.14:A/CapgoUpdater.java:1986-1988); 6.x does not.
    const answer = (
      await feed.check({
        app_id: 'com.acme.rocket',
        device_id: 'd',
        version_name: '0.9.0',
        plugin_version: updater,
        platform: 'android',
        ...(await keyIdOfProject(project, updater)),
      })
    ).json;
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
      request: {
        app: 'rocket',
        buildType: 'release',
        version: '1.0.0',
        path: await webBuild('x'),
        encryptKey: { pem: await readFile(path.join(project, '.capgo_key_v2'), 'utf8'), source: 'key' },
      },
    });
    const other = await feed.publishBundle({ version: '2.0.0', buildType: 'debug', encrypt: true });
    const answer = (await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', ...(await keyIdOfProject(project, '8.51.14')) })).json;
    const file = path.join(project, 'bundle.zip');
    await download(String(answer['url']), file);
    await expect(capgo(project, ['bundle', 'decrypt', file, String(answer['session_key']), '--checksum', other.file!.encryption!.checksum!])).rejects.toThrow();
  });

  test('serves a bundle the CLI zipped and encrypted, with its session key and checksum', async () => {
    const project = await capacitorProject('8.51.14');
    const bundle = await capgoEncryptedBundle(project, 'zipped by capgo', '1.0.0');

    const feed = await startLiveFeed();
    await publish({
      store: feed.store,
      config: feed.config,
      request: {
        app: 'rocket',
        buildType: 'release',
        version: '1.0.0',
        path: bundle.file,
        sessionKey: bundle.sessionKey,
        checksum: bundle.checksum,
      },
    });
    const answer = (
      await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '8.51.14', ...(await keyIdOfProject(project, '8.51.14')) })
    ).json;
    expect(answer['session_key']).toBe(bundle.sessionKey);
    expect(answer['checksum']).toBe(bundle.checksum);

    // What the plugin then does with the app's public key.
    const publicKey = await readFile(path.join(project, '.capgo_key_v2.pub'), 'utf8');
    const decipher = openSessionKey(String(answer['session_key']), publicKey);
    const zip = Buffer.concat([decipher.update(await download(String(answer['url']), path.join(project, 'got.zip'))), decipher.final()]);
    expect(zip.equals(await readFile(bundle.zip))).toBe(true);
    expect(openChecksum(String(answer['checksum']), publicKey)).toBe(bundle.zipChecksum);

    // A plugin that reads only the older base64 form is told so rather than sent a checksum it would reject.
    expect((await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '6.25.1' })).json).toMatchObject({
      error: 'checksum_form_unsupported',
      kind: 'blocked',
    });
  });

  test('serves a zip the CLI made with the SHA-256 checksum it printed', async () => {
    const project = await capacitorProject('8.51.14');
    await mkdir(path.join(project, 'dist', 'assets'), { recursive: true });
    await writeFile(path.join(project, 'dist', 'index.html'), '<h1>plain</h1>');
    await writeFile(path.join(project, 'dist', 'assets', 'app.js'), 'console.log(1)');
    const zipped = JSON.parse(await capgo(project, ['bundle', 'zip', 'com.acme.rocket', '--path', 'dist', '--bundle', '2.0.0', '--json', '--no-code-check'])) as {
      filename: string;
      checksum: string;
    };
    const feed = await startLiveFeed();
    await publish({ store: feed.store, config: feed.config, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: path.join(project, zipped.filename) } });
    expect((await feed.check({ app_id: 'com.acme.rocket', device_id: 'd', version_name: 'builtin', plugin_version: '8.51.14' })).json['checksum']).toBe(zipped.checksum);
  });
});
