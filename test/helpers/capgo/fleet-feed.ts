import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { rebuildManifest } from '../../../src/publish/write-manifest.js';
import { publish } from '../../../src/publish/publish.js';
import { yankVersion } from '../../../src/publish/edit-version.js';
import { LocalStore } from '../../../src/store/local/store.js';
import { capacitorProject, capgoEncryptedBundle } from '../capgo-cli.js';
import { tempDir, writeConfig, writeFolder } from '../fixtures.js';
import { webBuild } from '../live-feed.js';
import { SECRET, serve } from '../server.js';

/**
 * A feed with one app per kind of bundle, so each device sees exactly one:
 * - plain: a web build folder, zipped here;
 * - encrypted: encrypted here with --encrypt-key (both checksum forms);
 * - legacy / v3: encrypted by `@capgo/cli bundle encrypt` in a project whose plugin is
 *   7.29.0 (the older base64 form) or 7.30.0 (the hex form), published as they are;
 * - native: a bundle that needs native version 2.0.0;
 * - yanked: its only bundle withdrawn;
 * - keyed: a plain bundle of an app that later declares its devices have a public key;
 * - unkeyed: a plain bundle of an app that declares its devices have none;
 * - delta: 1.0.0, and on "beta" 1.0.1, which differs from it in one file of several (delta updates).
 * The apps' debug channel is "beta", open to devices.
 */
export const FLEET_APPS = {
  plain: 'com.fleet.plain',
  encrypted: 'com.fleet.encrypted',
  legacy: 'com.fleet.legacy',
  v3: 'com.fleet.v3',
  native: 'com.fleet.native',
  yanked: 'com.fleet.yanked',
  keyed: 'com.fleet.keyed',
  unkeyed: 'com.fleet.unkeyed',
  delta: 'com.fleet.delta',
} as const;
export type FleetApp = keyof typeof FLEET_APPS;

function fleetConfig(keyedDeclared: boolean) {
  return {
    teams: [{ id: 'fleet', name: 'Fleet' }],
    apps: Object.entries(FLEET_APPS).map(([id, packageName]) => ({
      id,
      team: 'fleet',
      title: id,
      packageName,
      ...(id === 'keyed' && keyedDeclared ? { encryptedBundles: true } : {}),
      ...(id === 'unkeyed' ? { encryptedBundles: false } : {}),
    })),
    channels: [{ name: 'beta', buildType: 'debug', allowSelfSet: true }],
  };
}

/** The files of the delta app's 1.0.0: text that deflates, an image stored as it is, nested paths. */
export const DELTA_FILES_1 = new Map<string, Buffer>([
  ['index.html', Buffer.from('<!doctype html><title>delta</title><script src="js/app.js"></script>')],
  ['js/app.js', Buffer.from(`${'console.log("delta 1.0.0");\n'.repeat(400)}`)],
  ['js/vendor.js', Buffer.from(`${'export const vendor = [1, 2, 3];\n'.repeat(300)}`)],
  ['img/logo.png', Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) % 251))],
  ['css/empty.css', Buffer.alloc(0)],
]);
/** 1.0.1: one file changed. */
export const DELTA_FILES_2 = new Map(DELTA_FILES_1).set('js/app.js', Buffer.from(`${'console.log("delta 1.0.1");\n'.repeat(400)}`));

export async function startFleetFeed(options: { devicePolls?: { burst: number; perMinute: number } } = {}) {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const config = await writeConfig(fleetConfig(false));
  const legacyProject = await capacitorProject('7.29.0');
  const v3Project = await capacitorProject('7.30.0', legacyProject);
  const privateKey = await readFile(path.join(legacyProject, '.capgo_key_v2'), 'utf8');
  const publicKey = await readFile(path.join(legacyProject, '.capgo_key_v2.pub'), 'utf8');

  const put = async (app: FleetApp, version: string, request: Record<string, unknown> = {}) =>
    (await publish({ store, config, request: { app, buildType: 'release', version, path: await webBuild(`${app} ${version}`), ...request } })).version;

  const legacy = await capgoEncryptedBundle(legacyProject, 'legacy form', '1.0.0');
  const v3 = await capgoEncryptedBundle(v3Project, 'hex form', '1.0.0');
  const bundles = {
    plain: await put('plain', '1.0.0'),
    beta: await put('plain', '1.1.0-beta.1', { buildType: 'debug' }),
    encrypted: await put('encrypted', '1.0.0', { encryptKey: { pem: privateKey, source: 'fleet key' } }),
    legacy: await put('legacy', '1.0.0', { path: legacy.file, sessionKey: legacy.sessionKey, checksum: legacy.checksum }),
    v3: await put('v3', '1.0.0', { path: v3.file, sessionKey: v3.sessionKey, checksum: v3.checksum }),
    native: await put('native', '2.0.0', { minNativeVersion: '2.0.0' }),
    yanked: await put('yanked', '1.0.0'),
    keyed: await put('keyed', '1.0.0'),
    unkeyed: await put('unkeyed', '1.0.0'),
    delta1: await put('delta', '1.0.0', { path: await writeFolder(DELTA_FILES_1) }),
    delta2: await put('delta', '1.0.1', { path: await writeFolder(DELTA_FILES_2), buildType: 'debug' }),
  };
  await yankVersion({ store, config, app: 'yanked', buildType: 'release', version: '1.0.0' });
  // The keyed app's config now says its devices have a public key; the manifest follows the config.
  const declared = await writeConfig(fleetConfig(true));
  await rebuildManifest({ store, config: declared.config, now: () => new Date() });

  const server = await serve({ store, users: [], ...(options.devicePolls ? { devicePolls: options.devicePolls } : {}) });

  /** The zip each app's bundle holds once decrypted: what a device must end up installing. */
  const zips = {
    legacy: await readFile(legacy.zip),
    v3: await readFile(v3.zip),
  };
  return { url: server.url, store, bundles, zips, publicKey, secret: SECRET };
}
