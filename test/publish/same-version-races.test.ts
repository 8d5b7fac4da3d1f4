import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { PublishBusyError, VersionConflictError } from '../../src/publish/errors.js';
import { publish, type PublishResult } from '../../src/publish/publish.js';
import { currentPublisher, VersionLease } from '../../src/publish/version-lease.js';
import { LocalStore } from '../../src/store/local/store.js';
import type { Store } from '../../src/store/store.js';
import { runCli } from '../helpers/cli.js';
import { assertNoDanglingAssets, readManifest } from '../helpers/feed.js';
import { tempDir, writeBuild, writeConfig } from '../helpers/fixtures.js';
import { githubStore, useFakeGitHub } from '../helpers/github.js';

/**
 * Several jobs publishing one version at once (security-findings.md F3): exactly one
 * build wins, the others fail with the documented conflict, each job reports only what
 * it did, and nothing is left behind, on both stores.
 */

const github = useFakeGitHub();
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TAG = 'rocket/release/v2.0.0';
const LEASE = `locks/${TAG}.json`;

async function race(stores: () => Promise<Store>, jobs: number) {
  const config = await writeConfig();
  const builds = await Promise.all(Array.from({ length: jobs }, (_, i) => writeBuild(`build of job ${i}`, `rocket-${i}.apk`)));
  const settled = await Promise.allSettled(
    builds.map(async (build) =>
      publish({ store: await stores(), config, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: build }, lease: { pollMs: 100 } }),
    ),
  );
  return settled.map((s, i) => ({ job: i, ...s }));
}

async function expectOneWinner(store: Store, outcomes: Awaited<ReturnType<typeof race>>) {
  const won = outcomes.filter((o): o is { job: number } & PromiseFulfilledResult<PublishResult> => o.status === 'fulfilled');
  const lost = outcomes.filter((o): o is { job: number } & PromiseRejectedResult => o.status === 'rejected');
  expect(won).toHaveLength(1);
  const winner = won[0]!;
  // The winner reports its own bytes, and that is what the feed serves.
  expect(winner.value.outcome).toBe('published');
  expect(winner.value.version.file?.sha256).toBe(sha256(`build of job ${winner.job}`));
  for (const loser of lost) {
    expect(loser.reason).toBeInstanceOf(VersionConflictError);
    expect(String(loser.reason)).toContain('already published with different bytes');
  }
  await expectFeedServes(store, winner.job);
}

/** The feed lists job `winner`'s bytes, in one release with one asset, and no lease is left. */
async function expectFeedServes(store: Store, winner: number) {
  const manifest = await readManifest(store);
  expect(manifest?.versions.map((v) => [v.version, v.file?.sha256])).toEqual([['2.0.0', sha256(`build of job ${winner}`)]]);
  const releases = await store.listReleases();
  expect(releases.map((r) => [r.tag, r.draft, r.assets.length])).toEqual([[TAG, false, 1]]);
  expect(await store.readBranchFile(LEASE)).toBeNull();
  await assertNoDanglingAssets(store);
}

describe('one version published by several jobs at once', () => {
  test('local store, 8 jobs with different bytes: one wins, seven get the conflict, nothing is replaced or orphaned', async () => {
    const root = path.join(await tempDir(), 'store');
    const outcomes = await race(() => LocalStore.openOrCreate(root), 8);
    const store = await LocalStore.open(root);
    await expectOneWinner(store, outcomes);
    expect(await readdir(path.join(root, 'assets'))).toHaveLength(1);
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect((await readdir(path.join(root, 'branches', 'updateforge'))).sort()).toEqual(['icons', 'manifest.json']);
  });

  test('GitHub store, 4 jobs with different bytes: one wins, three get the conflict, nothing is replaced or orphaned', async () => {
    const repo = github.newRepo();
    const outcomes = await race(async () => githubStore(github.fake(), repo), 4);
    await expectOneWinner(githubStore(github.fake(), repo), outcomes);
  });

  test('jobs with the same bytes all succeed: one publishes, the others find it already there', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const build = await writeBuild('one build', 'rocket.apk');
    const results = await Promise.all(
      Array.from({ length: 4 }, async () =>
        publish({ store: await LocalStore.openOrCreate(root), config, request: { app: 'rocket', buildType: 'release', version: '2.0.0', path: build }, lease: { pollMs: 100 } }),
      ),
    );
    expect(results.map((r) => r.outcome).sort()).toEqual(['published', 'unchanged', 'unchanged', 'unchanged']);
    expect(new Set(results.map((r) => r.version.file?.sha256))).toEqual(new Set([sha256('one build')]));
    expect(results.flatMap((r) => r.warnings)).toEqual([]);
  });

  test('separate CLI processes: one exits 0 and prints its own sha256, the others exit 1 with the conflict', async () => {
    const root = path.join(await tempDir(), 'store');
    const config = await writeConfig();
    const runs = await Promise.all(
      [0, 1, 2, 3].map(async (i) =>
        runCli([
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
          '2.0.0',
          '--path',
          await writeBuild(`build of job ${i}`, `rocket-${i}.apk`),
        ]),
      ),
    );
    const winners = runs.flatMap((run, i) => (run.code === 0 ? [i] : []));
    expect(winners).toHaveLength(1);
    const winner = winners[0]!;
    expect(runs[winner]?.stdout).toContain(sha256(`build of job ${winner}`));
    for (const [i, run] of runs.entries()) {
      if (i === winner) continue;
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('already published with different bytes');
      expect(run.stderr).not.toContain('warning:');
      expect(run.stdout).toBe('');
    }
    await expectFeedServes(await LocalStore.open(root), winner);
  });
});

describe('the version lease', () => {
  async function storeWithLease(holder: object, renewed: Date) {
    const root = path.join(await tempDir(), 'store');
    const store = await LocalStore.openOrCreate(root);
    await store.writeBranchFile(LEASE, Buffer.from(JSON.stringify({ owner: 'someone', publisher: holder, renewed: renewed.toISOString() })), {
      expectedSha: null,
      message: 'test',
    });
    return store;
  }
  const request = async () => ({ app: 'rocket', buildType: 'release', version: '2.0.0', path: await writeBuild('build', 'rocket.apk') });

  test('a lease held by a live publisher elsewhere makes the publish wait, say so, and go on once it is given up', async () => {
    const store = await storeWithLease({ host: 'ci-runner-7', pid: 4242 }, new Date());
    const waits: string[] = [];
    const publishing = publish({ store, config: await writeConfig(), request: await request(), onWait: (m) => waits.push(m), lease: { pollMs: 50 } });
    // Until the publish is waiting: then it has found the lease, and keeps polling it.
    await expect.poll(() => waits).toEqual([`Waiting for another publish of ${TAG} (process 4242 on ci-runner-7) to finish…`]);
    expect(await readManifest(store)).toBeNull();
    const lease = await store.readBranchFile(LEASE);
    if (lease === null || lease === 'not-modified') throw new Error('lease gone');
    await store.deleteBranchFile(LEASE, { expectedSha: lease.sha, message: 'done' });
    expect((await publishing).outcome).toBe('published');
  });

  test('it gives up after its wait, naming who holds the version, and leaves nothing behind', async () => {
    const store = await storeWithLease({ host: 'ci-runner-7', pid: 4242, run: { id: '99', attempt: 1 } }, new Date());
    const failure = await publish({ store, config: await writeConfig(), request: await request(), lease: { pollMs: 20, waitMs: 200 } }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PublishBusyError);
    expect(String(failure)).toContain(`Another publish of ${TAG} (workflow run 99 attempt 1, process 4242 on ci-runner-7) is still under way`);
    expect(await store.listReleases()).toEqual([]);
  });

  test.each([
    ['a dead process of this machine', { host: currentPublisher().host, pid: 2 ** 22 + 12345 }, new Date(), undefined],
    ['an earlier attempt of the same workflow run', { host: 'runner-a', pid: 1, run: { id: '77', attempt: 1 } }, new Date(), { id: '77', attempt: 2 }],
    ['anyone, not renewed for longer than the lease', { host: 'runner-a', pid: 1 }, new Date(Date.now() - 10 * 60_000), undefined],
  ])('a lease left by %s is taken over at once', async (_label, holder, renewed, run) => {
    const store = await storeWithLease(holder, renewed);
    const waits: string[] = [];
    const result = await publish({
      store,
      config: await writeConfig(),
      request: await request(),
      onWait: (m) => waits.push(m),
      publisher: currentPublisher(run),
      lease: { waitMs: 0 },
    });
    expect(result.outcome).toBe('published');
    expect(waits).toEqual([]);
    expect(await store.readBranchFile(LEASE)).toBeNull();
  });

  test('a long publish keeps renewing its lease, so nobody takes it over, and gives it up at the end', async () => {
    const store = await LocalStore.openOrCreate(path.join(await tempDir(), 'store'));
    const renewedAt = async () => {
      const file = await store.readBranchFile(LEASE);
      return file === null || file === 'not-modified' ? null : (JSON.parse(Buffer.from(file.content).toString()) as { renewed: string }).renewed;
    };
    // Renewed every quarter of its time: even a loaded machine renews it several times over.
    const lease = await VersionLease.acquire(store, TAG, currentPublisher(), { leaseMs: 1200 });
    const first = await renewedAt();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await renewedAt()).not.toBe(first);
    // Older than the lease time, yet renewed meanwhile: another machine must wait.
    const other = await VersionLease.acquire(store, TAG, { host: 'elsewhere', pid: 1 }, { leaseMs: 1200, waitMs: 0 }).catch((e: unknown) => e);
    expect(other).toBeInstanceOf(PublishBusyError);
    await lease.assertHeld();
    await lease.release();
    expect(await renewedAt()).toBeNull();
  });
});
