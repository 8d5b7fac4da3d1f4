import { spawn } from 'node:child_process';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { projectRoot } from '../../src/util/project-root.js';
import { tempDir } from './fixtures.js';
import { registerPrivateKey } from './sweep/record.js';

/**
 * The real peer: Capgo's own CLI (`@capgo/cli`, a dev dependency), run offline in a stub
 * Capacitor project. It picks the encrypted-checksum form from the installed plugin's
 * version, as it does for its users.
 */
const CAPGO = path.join(projectRoot(), 'node_modules', '@capgo', 'cli', 'dist', 'index.js');

/** Runs the CLI with no standard input, so its interactive questions end at once. */
export function capgo(project: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CAPGO, ...args], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      env: { PATH: process.env['PATH'], HOME: project, CI: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`capgo ${args.join(' ')} exited with ${code}: ${stderr || stdout}`))));
  });
}

/**
 * A Capacitor project as the CLI expects it: config, package.json, and the installed
 * updater's version (which picks the checksum form). With `keyFrom`, it shares that
 * project's key pair instead of making its own.
 */
export async function capacitorProject(updaterVersion: string, keyFrom?: string): Promise<string> {
  const dir = await tempDir('uf-capacitor-');
  await mkdir(path.join(dir, 'node_modules', '@capgo', 'capacitor-updater'), { recursive: true });
  await writeFile(path.join(dir, 'capacitor.config.json'), JSON.stringify({ appId: 'com.acme.rocket', appName: 'Rocket', webDir: 'dist' }));
  await writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'rocket', version: '1.0.0', dependencies: { '@capgo/capacitor-updater': updaterVersion } }));
  await writeFile(path.join(dir, 'node_modules', '@capgo', 'capacitor-updater', 'package.json'), JSON.stringify({ name: '@capgo/capacitor-updater', version: updaterVersion }));
  if (keyFrom) {
    await copyFile(path.join(keyFrom, '.capgo_key_v2'), path.join(dir, '.capgo_key_v2'));
    await copyFile(path.join(keyFrom, '.capgo_key_v2.pub'), path.join(dir, '.capgo_key_v2.pub'));
    // `key create` also writes the public key into capacitor.config (Cap-go/CLI@aa5eb5e5:src/key.ts:67), where
    // `bundle encrypt` looks for it and refuses to run without it (src/bundle/encrypt.ts:39,62).
    await copyFile(path.join(keyFrom, 'capacitor.config.json'), path.join(dir, 'capacitor.config.json'));
  } else {
    await capgo(dir, ['key', 'create']);
    registerPrivateKey(await readFile(path.join(dir, '.capgo_key_v2'), 'utf8'), 'a private key made by `@capgo/cli key create`');
  }
  return dir;
}

/** Zips `dist/` (index.html saying `text`) and encrypts it, as `npx @capgo/cli bundle zip` + `bundle encrypt` do. */
export async function capgoEncryptedBundle(
  project: string,
  text: string,
  version: string,
): Promise<{ file: string; checksum: string; sessionKey: string; zip: string; zipChecksum: string }> {
  await mkdir(path.join(project, 'dist'), { recursive: true });
  await writeFile(path.join(project, 'dist', 'index.html'), `<h1>${text}</h1>`);
  const zipped = JSON.parse(await capgo(project, ['bundle', 'zip', 'com.acme.rocket', '--path', 'dist', '--bundle', version, '--json', '--no-code-check'])) as {
    filename: string;
    checksum: string;
  };
  const encrypted = JSON.parse(await capgo(project, ['bundle', 'encrypt', zipped.filename, zipped.checksum, '--json'])) as {
    filename: string;
    checksum: string;
    ivSessionKey: string;
  };
  return {
    file: path.join(project, encrypted.filename),
    checksum: encrypted.checksum,
    sessionKey: encrypted.ivSessionKey,
    zip: path.join(project, zipped.filename),
    zipChecksum: zipped.checksum,
  };
}
