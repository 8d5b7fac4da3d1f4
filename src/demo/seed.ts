import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CONFIG_FILE_NAME } from '../defaults.js';
import { loadConfig } from '../feed/config.js';
import { publish } from '../publish/publish.js';
import { LocalStore } from '../store/local/store.js';
import { hashPassword } from '../users/password.js';
import type { User } from '../users/users.js';
import { projectRoot } from '../util/project-root.js';

export const DEMO_PASSWORD = 'updateforge-demo';
export const DEMO_USERS = [
  { id: 'demo', email: 'demo@updateforge.dev', teams: ['acme', 'globex'] },
  { id: 'tester', email: 'tester@updateforge.dev', teams: ['acme'] },
] as const;

interface DemoVersion {
  app: string;
  buildType: 'release' | 'debug' | 'profile';
  version: string;
  name?: string;
  public?: boolean;
  daysAgo: number;
  /** A generated file of this many bytes, or the demo web folder. */
  file?: { name: string; size: number } | 'web';
}

/** Versions in every state: current, pending, both, neither; a non-ASCII file name; a web bundle. */
const VERSIONS: DemoVersion[] = [
  { app: 'rocket', buildType: 'release', version: '1.0.0', public: true, daysAgo: 60, file: { name: 'rocket-1.0.0.apk', size: 1536 * 1024 } },
  { app: 'rocket', buildType: 'release', version: '1.1.0', name: 'Winter update', public: true, daysAgo: 20, file: { name: 'rocket-1.1.0.apk', size: 3 * 1024 * 1024 } },
  { app: 'rocket', buildType: 'release', version: '1.2.0', name: 'Next sprint', daysAgo: 2 },
  { app: 'rocket', buildType: 'debug', version: '1.2.0-beta.1', daysAgo: 3, file: { name: 'rocket-1.2.0-beta.1-debug.apk', size: 2 * 1024 * 1024 } },
  { app: 'rocket', buildType: 'debug', version: '1.2.0-beta.2', name: 'Nightly', daysAgo: 0 },
  { app: 'anvil', buildType: 'release', version: '2.0.0', name: 'Spring release', public: true, daysAgo: 10, file: { name: 'Anvil Notes – café 2.0.0.apk', size: 768 * 1024 } },
  { app: 'anvil', buildType: 'profile', version: '2.0.0', daysAgo: 9, file: { name: 'anvil-2.0.0-profile.apk', size: 900 * 1024 } },
  { app: 'anvil', buildType: 'debug', version: '2.1.0', name: 'Sync rewrite', daysAgo: 1 },
  { app: 'gadget', buildType: 'release', version: '0.9.0', daysAgo: 5, file: { name: 'gadget-0.9.0.ipa', size: 1024 * 1024 } },
  { app: 'gadget', buildType: 'debug', version: '0.9.1', name: 'Web build', daysAgo: 4, file: 'web' },
];

/** Deterministic bytes that do not compress: a demo "build". */
async function writeFakeBuild(file: string, size: number): Promise<void> {
  const blocks: Buffer[] = [];
  for (let i = 0, filled = 0; filled < size; i++, filled += 32)
    blocks.push(
      createHash('sha256')
        .update(`${path.basename(file)}:${i}`)
        .digest(),
    );
  await writeFile(file, Buffer.concat(blocks).subarray(0, size));
}

export interface DemoPaths {
  readonly dir: string;
  readonly store: string;
  readonly usersFile: string;
  readonly secretFile: string;
}

export function demoPaths(dir: string): DemoPaths {
  return { dir, store: path.join(dir, 'store'), usersFile: path.join(dir, 'users.json'), secretFile: path.join(dir, 'jwt-secret') };
}

/**
 * Seeds the demo with the real publish pipeline. The store is built under a temp
 * name and renamed into place, so an interrupted seed is simply redone next time.
 */
export async function seedDemo(paths: DemoPaths, options: { now?: number } = {}): Promise<void> {
  await mkdir(paths.dir, { recursive: true });
  for (const leftover of (await readdir(paths.dir)).filter((n) => n.startsWith('store.seeding-'))) {
    await rm(path.join(paths.dir, leftover), { recursive: true, force: true });
  }
  const staging = path.join(paths.dir, `store.seeding-${process.pid}`);
  const builds = path.join(paths.dir, `builds.seeding-${process.pid}`);
  await mkdir(builds, { recursive: true });
  try {
    const demo = path.join(projectRoot(), 'demo');
    const config = await loadConfig(path.join(demo, CONFIG_FILE_NAME));
    const store = await LocalStore.openOrCreate(staging);
    // Versions are dated days before now; a fixed `now` gives the same feed on every run (the README's screenshots).
    const now = options.now ?? Date.now();
    for (const v of VERSIONS) {
      let file: string | undefined;
      if (v.file === 'web') file = path.join(demo, 'web');
      else if (v.file) {
        file = path.join(builds, v.file.name);
        await writeFakeBuild(file, v.file.size);
      }
      await publish({
        store,
        config,
        request: { app: v.app, buildType: v.buildType, version: v.version, path: file, name: v.name, public: v.public ?? false, notes: `Demo build ${v.version}.` },
        now: () => new Date(now - v.daysAgo * 86_400_000),
      });
    }
    await rename(staging, paths.store);
  } finally {
    await rm(builds, { recursive: true, force: true });
    await rm(staging, { recursive: true, force: true });
  }
}

/** The demo users (all with DEMO_PASSWORD), made once and kept in users.json. */
export async function demoUsers(paths: DemoPaths): Promise<string> {
  const existing = await readFile(paths.usersFile, 'utf8').catch(() => null);
  if (existing !== null) return existing;
  const users: User[] = [];
  for (const u of DEMO_USERS) users.push({ id: u.id, email: u.email, teams: [...u.teams], passwordHash: await hashPassword(DEMO_PASSWORD) });
  const json = JSON.stringify(users, null, 2);
  await writeFile(paths.usersFile, `${json}\n`, { mode: 0o600 });
  return json;
}

/** A random signing secret, made once and kept beside the demo store (owner-readable only). */
export async function demoSecret(paths: DemoPaths): Promise<string> {
  const existing = await readFile(paths.secretFile, 'utf8').catch(() => null);
  if (existing !== null && existing.trim().length >= 32) return existing.trim();
  const secret = randomBytes(48).toString('base64url');
  await writeFile(paths.secretFile, `${secret}\n`, { mode: 0o600 });
  return secret;
}
