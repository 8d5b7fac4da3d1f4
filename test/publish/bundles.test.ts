import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { encryptChecksums, loadBundleKey, newSessionKey } from '../../src/capgo/bundle-encryption.js';
import { openChecksum, openSessionKey } from '../helpers/capgo/open-bundle.js';
import { PublishInputError, VersionConflictError } from '../../src/publish/errors.js';
import { publish, type PublishOptions } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { capgoKeyPair, LIVE_CONFIG, webBuild } from '../helpers/live-feed.js';
import { rawZip } from '../helpers/raw-zip.js';

async function setup() {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const config = await writeConfig(LIVE_CONFIG);
  const run = (request: Partial<PublishOptions['request']>) => publish({ store, config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', ...request } });
  const stored = async (assetId: string) => Buffer.from(await new Response(await store.openAsset(assetId)).arrayBuffer());
  return { store, run, stored };
}

async function refusal(promise: Promise<unknown>): Promise<PublishInputError> {
  const error = await promise.catch((e: unknown) => e);
  if (!(error instanceof PublishInputError)) throw new Error(`expected a PublishInputError, got ${String(error)}`);
  return error;
}

describe('publishing live-update bundles', () => {
  test('a web build folder becomes a bundle with its SHA-256 and CRC32', async () => {
    const { run, stored } = await setup();
    const { version } = await run({ path: await webBuild('hello') });
    const bytes = await stored(version.file!.assetId);
    expect(version.file).toMatchObject({ kind: 'bundle', contentType: 'application/zip', crc32: crc32(bytes).toString(16).padStart(8, '0') });
  });

  test('a bundle cannot take the version of an app binary, nor the reverse, even with overwrite: they share one version line', async () => {
    const { store, run } = await setup();
    await run({ path: await writeBuild('apk bytes', 'app.apk') });
    const before = await store.readBranchFile('manifest.json');
    for (const overwrite of [false, true]) {
      const error = await run({ path: await webBuild('hello'), overwrite }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(VersionConflictError);
      expect((error as Error).message).toBe(
        'rocket release 1.0.0 holds an app binary (app.apk), and a live-update bundle cannot replace it: binaries and bundles of an app and build type share one version line (testers get the highest binary, devices the highest bundle). Publish the bundle as a version of its own, e.g. 1.0.1.',
      );
    }
    expect(await store.readBranchFile('manifest.json')).toEqual(before);

    const { version } = await run({ version: '1.0.1', path: await webBuild('hello') });
    const error = await run({ version: '1.0.1', path: await writeBuild('apk bytes', 'app.apk'), overwrite: true }).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^rocket release 1\.0\.1 holds a live-update bundle \(.+\.zip\), and an app binary cannot replace it: .+ e\.g\. 1\.0\.2\.$/);
    expect(version.file?.kind).toBe('bundle');
    // The suggestion skips versions already taken: 1.0.1 now holds that bundle.
    const again = await run({ path: await webBuild('hello again') }).catch((e: unknown) => e);
    expect((again as Error).message).toMatch(/Publish the bundle as a version of its own, e\.g\. 1\.0\.2\.$/);
  });

  test('a folder without index.html at its root is refused', async () => {
    const { run } = await setup();
    const dir = await tempDir();
    await mkdir(path.join(dir, 'dist'));
    await writeFile(path.join(dir, 'dist', 'index.html'), 'x');
    const error = await refusal(run({ path: dir }));
    expect(error.field).toBe('path');
    expect(error.message).toMatch(/has no index\.html at its root/);
  });

  test.each([
    ['index.html at the root', { 'index.html': 'x', 'js/app.js': 'y' }],
    ['index.html in the single top-level folder', { 'www/index.html': 'x', 'www/app.js': 'y' }],
  ])('a .zip with %s is taken as it is', async (_label, entries) => {
    const { run, stored } = await setup();
    const zip = rawZip(entries);
    const { version } = await run({ path: await writeBuild(zip, 'bundle.zip') });
    expect(version.file?.kind).toBe('bundle');
    expect((await stored(version.file!.assetId)).equals(zip)).toBe(true);
  });

  test.each([
    ['no index.html', { 'app.js': 'x' }, /has no index\.html/],
    ['two top-level folders', { 'a/index.html': 'x', 'b/app.js': 'y' }, /has no index\.html/],
    ['a .. entry', { 'index.html': 'x', '../evil.sh': 'y' }, /not a usable zip: invalid relative path/],
    ['an absolute entry', { 'index.html': 'x', '/etc/cron.d/evil': 'y' }, /not a usable zip: absolute path/],
    ['a backslash entry', { 'index.html': 'x', 'a\\b.js': 'y' }, /not a usable zip: invalid characters/],
  ])('a .zip with %s is refused', async (_label, entries, message) => {
    const { run } = await setup();
    const error = await refusal(run({ path: await writeBuild(rawZip(entries), 'bundle.zip') }));
    expect(error.message).toMatch(message);
  });

  test('a file that only claims to be a zip is refused', async () => {
    const { run } = await setup();
    expect((await refusal(run({ path: await writeBuild('not a zip', 'bundle.zip') }))).message).toMatch(/not a usable zip/);
  });

  test('--encrypt-key encrypts with AES-128-CBC under a session key, and checksums open with the public key', async () => {
    const { run, stored } = await setup();
    const keys = capgoKeyPair();
    const folder = await webBuild('secret');
    const plain = await run({ version: '0.9.0', path: folder });
    const { version } = await run({ path: folder, encryptKey: { pem: keys.privateKey, source: 'key' } });
    const encryption = version.file!.encryption!;
    const decipher = openSessionKey(encryption.sessionKey, keys.publicKey);
    const zip = Buffer.concat([decipher.update(await stored(version.file!.assetId)), decipher.final()]);
    const expected = await stored(plain.version.file!.assetId);
    expect(zip.equals(expected)).toBe(true);
    expect(openChecksum(encryption.checksum!, keys.publicKey)).toBe(encryption.plainSha256);
    expect(openChecksum(encryption.legacyChecksum!, keys.publicKey)).toBe(encryption.plainSha256);
    expect(encryption.plainSha256).toBe(plain.version.file!.sha256);
    expect(version.file!.crc32).toBeUndefined();
  });

  test('publishing the same build encrypted again is a no-op, though every encryption differs', async () => {
    const { run } = await setup();
    const keys = capgoKeyPair();
    const folder = await webBuild('same');
    await run({ path: folder, encryptKey: { pem: keys.privateKey, source: 'key' } });
    expect((await run({ path: folder, encryptKey: { pem: keys.privateKey, source: 'key' } })).outcome).toBe('unchanged');
  });

  test.each([
    [{ encryptKey: { pem: 'not a key', source: '--encrypt-key k.pem' } }, 'encrypt-key', /--encrypt-key k\.pem is not a private key/],
    [{ encryptKey: { pem: capgoKeyPair().publicKey, source: 'pub.pem' } }, 'encrypt-key', /not a private key/],
    [{ sessionKey: 'abc', checksum: 'def' }, 'session-key', /ivSessionKey/],
    [{ sessionKey: `${'A'.repeat(22)}==:${'B'.repeat(342)}==`, checksum: 'xyz' }, 'checksum', /checksum printed by/],
    [{ sessionKey: `${'A'.repeat(22)}==:${'B'.repeat(342)}==` }, 'checksum', /checksum printed by/],
    [{ rollout: 150 }, 'rollout', /whole percentage/],
    [{ minNativeVersion: 'soon' }, 'min-native-version', /is not a version/],
  ])('refuses %j', async (request, field, message) => {
    const { run } = await setup();
    const error = await refusal(run({ path: await webBuild('x'), ...request }));
    expect(error.field).toBe(field);
    expect(error.message).toMatch(message);
  });

  test('a private key is never echoed in an error', async () => {
    const { run } = await setup();
    const { publicKey, privateKey } = capgoKeyPair();
    const weak = privateKey.replace(/[A-Za-z]{10}/, 'AAAAAAAAAA');
    for (const pem of [weak, publicKey]) {
      const error = await refusal(run({ path: await webBuild('x'), encryptKey: { pem, source: 'the key file' } }));
      expect(error.message).not.toContain(pem.split('\n')[1]!.slice(0, 20));
    }
  });

  test('rollouts and minimum native versions are for bundles, not app binaries', async () => {
    const { run } = await setup();
    expect((await refusal(run({ path: await writeBuild('apk', 'app.apk'), rollout: 50 }))).field).toBe('rollout');
    expect((await refusal(run({ path: await writeBuild('apk', 'app.apk'), minNativeVersion: '2.0.0' }))).field).toBe('min-native-version');
    expect((await refusal(run({ path: await writeBuild('apk', 'app.apk'), encryptKey: { pem: capgoKeyPair().privateKey, source: 'k' } }))).field).toBe('encrypt-key');
  });

  test('an app that declares its devices have a public key takes only encrypted bundles, and one that declares none only unencrypted ones', async () => {
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const config = await writeConfig({
      ...LIVE_CONFIG,
      apps: LIVE_CONFIG.apps.map((a) => ({ ...a, encryptedBundles: a.id === 'rocket' })),
    });
    const key = { pem: capgoKeyPair().privateKey, source: 'k' };
    const run = (request: Partial<PublishOptions['request']>) => publish({ store, config, request: { buildType: 'release', version: '1.0.0', app: 'rocket', ...request } });
    const plain = await refusal(run({ path: await webBuild('plain') }));
    expect(plain.field).toBe('path');
    expect(plain.message).toMatch(/not encrypted, and app 'rocket' declares "encryptedBundles": true .* add --encrypt-key/);
    expect((await refusal(run({ app: 'anvil', path: await webBuild('x'), encryptKey: key }))).message).toMatch(/"encryptedBundles": false/);
    // Nothing was left behind by the refusals; what fits goes through.
    expect(await store.listReleases()).toEqual([]);
    expect((await run({ path: await webBuild('sealed'), encryptKey: key })).version.file?.encryption).toBeDefined();
    expect((await run({ app: 'anvil', path: await webBuild('open') })).version.file?.encryption).toBeUndefined();
    // App binaries are not live updates: the declaration does not apply to them.
    expect((await run({ version: '2.0.0', path: await writeBuild('apk', 'app.apk') })).version.file?.kind).toBe('binary');
  });

  test('declaring encryptedBundles later does not break re-running an old publish: the same bytes again are still a no-op', async () => {
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const folder = await webBuild('before the key');
    const before = await writeConfig(LIVE_CONFIG);
    await publish({ store, config: before, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: folder } });
    const after = await writeConfig({ ...LIVE_CONFIG, apps: LIVE_CONFIG.apps.map((a) => ({ ...a, encryptedBundles: true })) });
    expect((await publish({ store, config: after, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: folder } })).outcome).toBe('unchanged');
    expect(
      (await refusal(publish({ store, config: after, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await webBuild('other'), overwrite: true } }))).field,
    ).toBe('path');
  });

  test("a pre-encrypted bundle whose checksum is only in the older base64 form is published with a warning: today's plugins cannot read it", async () => {
    const { run } = await setup();
    const key = loadBundleKey(capgoKeyPair().privateKey, 'k');
    const file = await writeBuild('ciphertext', 'bundle_encrypted.zip');
    const { legacyChecksum } = encryptChecksums('a'.repeat(64), key);
    const result = await run({ path: file, sessionKey: newSessionKey(key).sessionKey, checksum: legacyChecksum });
    expect(result.version.file?.encryption).toMatchObject({ legacyChecksum });
    expect(result.warnings).toEqual([
      expect.stringContaining(`app 'rocket' does not declare "encryptedBundles"`),
      expect.stringContaining('only in the older base64 form, which @capgo/capacitor-updater 5.30+, 6.43+, 7.30+ and 8.x do not read'),
    ]);
  });

  test('an encrypted bundle of an app that does not declare encryptedBundles is published with a warning saying who cannot install it; declared, no warning', async () => {
    const { run } = await setup();
    const key = { pem: capgoKeyPair().privateKey, source: 'key' };
    const undeclared = await run({ path: await webBuild('secret'), encryptKey: key });
    expect(undeclared.warnings).toEqual([
      `This bundle is encrypted, and app 'rocket' does not declare "encryptedBundles" in updateforge.json: devices without the matching public key in their capacitor.config cannot decrypt it, so they are not offered it (plugin 8 says so by sending no key_id) and stay on the bundle before. ` +
        'Once every build of the app carries the key, declare "encryptedBundles": true, which also refuses an unencrypted bundle published by mistake.',
    ]);
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const declared = await writeConfig({ ...LIVE_CONFIG, apps: LIVE_CONFIG.apps.map((a) => ({ ...a, encryptedBundles: true })) });
    const result = await publish({ store, config: declared, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await webBuild('secret'), encryptKey: key } });
    expect(result.warnings).toEqual([]);
  });
});
