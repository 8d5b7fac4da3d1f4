import { generateKeyPairSync } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PublishRequest } from '../../src/publish/inputs.js';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Logger } from '../../src/util/logger.js';
import { tempDir, writeConfig } from './fixtures.js';
import { serve } from './server.js';
import { registerPrivateKey, registerSecret } from './sweep/record.js';

/** A feed for live updates: rocket (com.acme.rocket) and anvil (com.acme.anvil), with a self-assignable beta channel. */
export const LIVE_CONFIG = {
  teams: [{ id: 'acme', name: 'Acme' }],
  apps: [
    { id: 'rocket', team: 'acme', title: 'Rocket', packageName: 'com.acme.rocket' },
    { id: 'anvil', team: 'acme', title: 'Anvil', packageName: 'com.acme.anvil', defaultChannel: 'production' },
  ],
  channels: [
    { name: 'production', buildType: 'release' },
    { name: 'beta', buildType: 'debug', allowSelfSet: true },
  ],
};

let shared: { privateKey: string; publicKey: string } | undefined;

/**
 * An RSA-2048 key pair in PKCS#1 PEM, as `npx @capgo/cli key create` writes them. One pair
 * per test file (vitest loads this module once per file): making one takes 0.1–1 s of CPU,
 * and no test needs two different keys (a "wrong key" is a made-up key id).
 */
export function capgoKeyPair(): { privateKey: string; publicKey: string } {
  if (!shared) {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    shared = { privateKey: privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'pkcs1', format: 'pem' }).toString() };
  }
  // Every time (the sweep ignores a key it knows): its registry is per file, whatever vitest's isolation.
  registerPrivateKey(shared.privateKey, 'a capgoKeyPair() private key');
  return shared;
}

/** A web build folder whose index.html says `text`. */
export async function webBuild(text: string): Promise<string> {
  const dir = await tempDir('uf-web-');
  await writeFile(path.join(dir, 'index.html'), `<!doctype html><title>${text}</title><h1>${text}</h1>`);
  await writeFile(path.join(dir, 'app.js'), `console.log(${JSON.stringify(text)});`);
  return dir;
}

export async function startLiveFeed(options: { log?: Logger; config?: unknown; devicePolls?: { burst: number; perMinute: number } } = {}) {
  const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const config = await writeConfig(options.config ?? LIVE_CONFIG);
  const keys = capgoKeyPair();
  const server = await serve({ store, users: [], ...(options.log ? { log: options.log } : {}), ...(options.devicePolls ? { devicePolls: options.devicePolls } : {}) });

  /** Publishes a web build (encrypted with the feed's key when asked) and returns its version record. */
  const publishBundle = async (request: Partial<PublishRequest> & { version: string; text?: string; encrypt?: boolean }) => {
    const { text, encrypt, ...rest } = request;
    const result = await publish({
      store,
      config,
      request: {
        app: 'rocket',
        buildType: 'release',
        path: await webBuild(text ?? `build ${request.version}`),
        ...(encrypt ? { encryptKey: { pem: keys.privateKey, source: 'test key' } } : {}),
        ...rest,
      },
    });
    return result.version;
  };

  /** POSTs an update check and returns the JSON answer. */
  const check = async (body: unknown): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> => {
    const res = await fetch(`${server.url}/api/v1/updates`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = (await res.json()) as Record<string, unknown>;
    if (typeof json['url'] === 'string') registerSecret('token', new URL(json['url']).searchParams.get('token') ?? undefined, 'a device link token from check()');
    return { status: res.status, json, headers: res.headers };
  };

  return { url: server.url, store, config, keys, publishBundle, check };
}
