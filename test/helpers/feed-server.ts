import path from 'node:path';
import { publish } from '../../src/publish/publish.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { User } from '../../src/users/users.js';
import type { Logger } from '../../src/util/logger.js';
import { tempDir, writeBuild, writeConfig } from './fixtures.js';
import type { FakeGitHub } from '../fake-github/server.js';
import { githubStore, READ_TOKEN, type useFakeGitHub } from './github.js';
import { makeUser, serve } from './server.js';

/** Deterministic bytes of a given size, different per seed. */
export function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed;
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    out[i] = x >>> 16;
  }
  return out;
}

/**
 * A feed served on loopback:
 * - rocket (team acme): release 1.0.0 and 1.1.0 with files, 1.2.0 pending; debug 1.3.0 with a file
 * - anvil (acme, no icon): no versions
 * - gadget (globex): release 1.0.0 with a file
 * Users: alice (acme), bob (globex), carol (both), dave (none), eve (a team that does not exist).
 */
export async function startFeedServer(options: { log?: Logger; backend?: Backend; publicUrl?: string } = {}) {
  const backend = options.backend ?? { name: 'local' };
  // GitHub: published with a write token, served with a read-only one, as a deployment is.
  const store = backend.name === 'github' ? githubStore(backend.fake(), backend.repo) : await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
  const servingStore = backend.name === 'github' ? githubStore(backend.fake(), backend.repo, { token: READ_TOKEN }) : store;
  const config = await writeConfig();
  const at = (iso: string) => () => new Date(iso);
  const put = async (
    app: string,
    buildType: 'release' | 'debug' | 'profile',
    version: string,
    file: Buffer | null,
    extra: { name?: string; public?: boolean; fileName?: string; when: string },
  ) =>
    (
      await publish({
        store,
        config,
        request: { app, buildType, version, name: extra.name, public: extra.public, path: file ? await writeBuild(file, extra.fileName ?? `${app}-${version}.apk`) : undefined },
        now: at(extra.when),
      })
    ).version;

  const rocketBytes = bytes(100_000, 7);
  const versions = {
    rocket100: await put('rocket', 'release', '1.0.0', bytes(1000, 1), { when: '2026-01-01T10:00:00Z' }),
    rocket110: await put('rocket', 'release', '1.1.0', rocketBytes, { name: 'January update', public: true, fileName: 'Rocket – café 1.1.0.apk', when: '2026-01-15T10:30:00Z' }),
    rocket120: await put('rocket', 'release', '1.2.0', null, { name: 'Next sprint', when: '2026-01-21T09:00:00Z' }),
    rocketDebug: await put('rocket', 'debug', '1.3.0', bytes(500, 3), { when: '2026-01-20T08:00:00Z' }),
    gadget: await put('gadget', 'release', '1.0.0', bytes(2000, 4), { when: '2026-01-02T00:00:00Z' }),
  };
  const users: User[] = [
    await makeUser('alice', 'alice@example.com', ['acme']),
    await makeUser('bob', 'bob@example.com', ['globex']),
    await makeUser('carol', 'Carol@Example.com', ['globex', 'acme']),
    await makeUser('dave', 'dave@example.com', []),
    await makeUser('eve', 'eve@example.com', ['ghost']),
  ];
  const server = await serve({ store: servingStore, users, ...(options.log ? { log: options.log } : {}), ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}) });
  return { url: server.url, store, config, users, versions, rocketBytes };
}

/** Where a test feed lives: a local folder, or a private repository on the fake GitHub. */
export type Backend = { readonly name: 'local' } | { readonly name: 'github'; readonly fake: () => FakeGitHub; readonly repo: string };

/** The backends every tester-API suite runs against, for `describe.each`. */
export function backends(github: ReturnType<typeof useFakeGitHub>): [string, () => Backend][] {
  return [
    ['local store', () => ({ name: 'local' })],
    ['GitHub store', () => ({ name: 'github', fake: github.fake, repo: github.newRepo({ private: true }) })],
  ];
}
