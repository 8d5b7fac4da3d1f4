import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { publish } from '../../src/publish/publish.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { LocalStore } from '../../src/store/local/store.js';
import { runCli } from '../helpers/cli.js';
import { manualClock } from '../helpers/clock.js';
import { bytes } from '../helpers/feed-server.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';

/**
 * A store the disk or another process will not let us write (security-findings.md F13):
 * the error names the file and the fix, and the feed is left exactly as it was, with no draft.
 */

const mounts: string[] = [];
afterAll(() => {
  for (const dir of mounts) execFileSync('umount', [dir]);
});

/** A folder on a tmpfs of `size`: the real "no space left on device", not a simulation of it. */
async function smallDisk(size: string): Promise<string> {
  const dir = await tempDir('uf-small-disk-');
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

async function feedState(root: string) {
  const store = await LocalStore.open(root);
  const manifest = await readFile(path.join(root, 'branches', 'updateforge', 'manifest.json'), 'utf8');
  const releases = (await store.listReleases()).map((r) => [r.tag, r.draft, r.assets.length]);
  return { manifest, releases, assets: (await readdir(path.join(root, 'assets'))).sort(), tmp: await readdir(path.join(root, 'tmp')) };
}

describe('a store that cannot be written', () => {
  test('a full disk: the error names the store, the step and the fix; the feed is as it was, with no draft', async () => {
    const root = path.join(await smallDisk('2m'), 'store');
    const config = await writeConfig();
    const args = (version: string, build: string) => [
      'publish',
      '--store',
      root,
      '--config',
      config.path,
      '--app',
      'rocket',
      '--build-type',
      'release',
      '--version',
      version,
      '--path',
      build,
    ];
    expect((await runCli(args('1.0.0', await writeBuild(bytes(100_000, 1), 'small.apk')))).code).toBe(0);
    const before = await feedState(root);

    const run = await runCli(args('1.1.0', await writeBuild(bytes(3 * 1024 * 1024, 2), 'big.apk')));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`error: No space left to write the store at '${root}' (storing 'big.apk' of release rocket/release/v1.1.0). Free some space and publish again.`);
    expect(run.stderr).not.toContain('ENOSPC');
    expect(run.stderr).not.toContain('left over');
    expect(await feedState(root)).toEqual(before);
  });

  test('a lock that is never given up (dated in the future): the error names the lock and the fix; nothing is created', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    await publish({ store: await LocalStore.openOrCreate(root), config, request: { app: 'rocket', buildType: 'release', version: '1.0.0', path: await writeBuild('one') } });
    const before = await feedState(root);
    const lock = path.join(root, 'updateforge-store.json.lock');
    await mkdir(lock);
    const future = new Date(Date.now() + 3600_000);
    await utimes(lock, future, future);

    // The store's clock moves on by each wait instead of sleeping it: the full 20 s wait, in no time.
    const clock = manualClock(Date.now());
    const failure = await publish({
      store: await LocalStore.open(root, { clock: { now: clock.now, sleep: async (ms) => clock.advance(ms) } }),
      config,
      request: { app: 'rocket', buildType: 'release', version: '1.1.0', path: await writeBuild('two') },
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StoreUnavailableError);
    expect(String(failure)).toContain(
      `The store is locked: '${lock}' stayed held for over 10 s. If no other publish is writing to '${root}', delete that folder and publish again.`,
    );
    expect(await feedState(root)).toEqual(before);
  });
});
