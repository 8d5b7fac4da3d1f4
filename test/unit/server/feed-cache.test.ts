import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { parseManifest, serializeManifest } from '../../../src/feed/manifest.js';
import { FeedCache } from '../../../src/server/feed-cache.js';
import { StoreUnavailableError } from '../../../src/store/errors.js';
import type { BranchFile, FeedReader, ReadBranchFile } from '../../../src/store/store.js';
import type { Logger } from '../../../src/util/logger.js';
import { manualClock } from '../../helpers/clock.js';

const V1 = readFileSync(new URL('../../fixtures/formats/manifest/v1.json', import.meta.url));
const manifest = parseManifest(V1);
/** The fixture with one team fewer: a second manifest to tell from the first. */
const SMALLER = serializeManifest({ ...manifest, teams: manifest.teams.slice(0, 1), apps: manifest.apps.filter((a) => a.team === manifest.teams[0]!.id), versions: [] });

type Answer = BranchFile | 'not-modified' | null | Error | Promise<BranchFile | 'not-modified' | null>;

/** A manifest branch that answers each read with the next of `answers` (the last one repeats), and records what it was asked. */
function scriptedStore(...answers: Answer[]) {
  const reads: (ReadBranchFile | undefined)[] = [];
  const store: FeedReader = {
    location: 'scripted',
    openAsset: () => Promise.reject(new Error('not used')),
    assetLink: () => Promise.reject(new Error('not used')),
    downloadCounts: () => Promise.reject(new Error('not used')),
    readBranchFile: async (path, options) => {
      expect(path).toBe('manifest.json');
      reads.push(options);
      const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
      if (answer instanceof Error) throw answer;
      return answer;
    },
  };
  return { store, reads };
}

const file = (content: Uint8Array, etag: string): BranchFile => ({ content, sha: `sha-${etag}`, etag });

function recordingLog() {
  const warnings: string[] = [];
  const log: Logger = { info() {}, warn: (event) => void warnings.push(event), error() {} };
  return { log, warnings };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('FeedCache', () => {
  test('the manifest is read once per maxAgeMs; a re-check sends the etag, and "not modified" keeps the same snapshot', async () => {
    const clock = manualClock();
    const { store, reads } = scriptedStore(file(V1, 'e1'), 'not-modified');
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 1000, log: recordingLog().log, now: clock.now });

    const first = await cache.get();
    expect(first.stale).toBe(false);
    expect(first.snapshot.manifest.teams.map((t) => t.id)).toEqual(['acme', 'globex']);
    clock.advance(999);
    expect(await cache.get()).toBe(first);
    expect(reads).toEqual([{ recheck: true }]);

    clock.advance(1);
    const again = await cache.get();
    expect(reads).toEqual([{ recheck: true }, { recheck: true, etag: 'e1' }]);
    expect(again.snapshot).toBe(first.snapshot);
  });

  test('a changed manifest replaces the snapshot, and its etag is used next', async () => {
    const clock = manualClock();
    const { store, reads } = scriptedStore(file(V1, 'e1'), file(SMALLER, 'e2'), 'not-modified');
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 1000, log: recordingLog().log, now: clock.now });
    await cache.get();
    clock.advance(1000);
    expect((await cache.get()).snapshot.manifest.teams.map((t) => t.id)).toEqual(['acme']);
    clock.advance(1000);
    await cache.get();
    expect(reads.map((r) => r?.etag)).toEqual([undefined, 'e1', 'e2']);
  });

  test('no manifest yet is an empty feed, not an error', async () => {
    const { store } = scriptedStore(null);
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 1000, log: recordingLog().log, now: manualClock().now });
    const state = await cache.get();
    expect(state.stale).toBe(false);
    expect(state.snapshot.manifest.apps).toEqual([]);
    expect(state.snapshot.manifest.versions).toEqual([]);
  });

  test('concurrent requests share one re-check', async () => {
    const clock = manualClock();
    const slow = deferred<BranchFile>();
    const { store, reads } = scriptedStore(slow.promise);
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 1000, log: recordingLog().log, now: clock.now });
    const all = Promise.all([cache.get(), cache.get(), cache.get()]);
    slow.resolve(file(V1, 'e1'));
    const [a, b, c] = await all;
    expect(reads).toHaveLength(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  test('when a re-check fails, the last good manifest serves, marked stale, for another maxAgeMs counted from the failure', async () => {
    const clock = manualClock();
    const { store, reads } = scriptedStore(file(V1, 'e1'), new StoreUnavailableError('GitHub is down'), 'not-modified');
    const { log, warnings } = recordingLog();
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 1000, log, now: clock.now });
    const good = await cache.get();
    clock.advance(1000);
    const stale = await cache.get();
    expect(stale.stale).toBe(true);
    expect(stale.snapshot).toBe(good.snapshot);
    expect(warnings).toEqual(['manifest refresh failed']);
    clock.advance(999);
    expect(await cache.get()).toBe(stale);
    expect(reads).toHaveLength(2);
    // The store is back and the manifest unchanged: no longer stale, same snapshot.
    clock.advance(1);
    const back = await cache.get();
    expect(back.stale).toBe(false);
    expect(back.snapshot).toBe(good.snapshot);
    expect(reads).toHaveLength(3);
  });

  test("with no manifest ever read, a failure is the store being unavailable, with the store's wait, answered without asking again until maxAgeMs", async () => {
    const clock = manualClock();
    const { store, reads } = scriptedStore(new StoreUnavailableError('rate limited', { retryAfterSeconds: 42 }), new Error('disk on fire'), file(V1, 'e1'));
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 1000, log: recordingLog().log, now: clock.now });

    const first = await cache.get().catch((e: unknown) => e);
    expect(first).toBeInstanceOf(StoreUnavailableError);
    expect(first).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 42, message: "the feed's manifest cannot be read: rate limited" });
    clock.advance(999);
    expect(await cache.get().catch((e: unknown) => e)).toBe(first);
    expect(reads).toHaveLength(1);

    // Any other failure gives no wait of its own (the answer then asks for the default).
    clock.advance(1);
    expect(await cache.get().catch((e: unknown) => e)).toMatchObject({
      kind: 'unavailable',
      retryAfterSeconds: undefined,
      message: "the feed's manifest cannot be read: disk on fire",
    });
    clock.advance(1000);
    expect((await cache.get()).snapshot.manifest.apps).toHaveLength(3);
    expect(reads).toHaveLength(3);
  });

  test('a re-check slower than recheckWaitMs answers with the last good manifest (stale) and carries on in the background', async () => {
    const clock = manualClock();
    const slow = deferred<BranchFile>();
    const { store, reads } = scriptedStore(file(V1, 'e1'), slow.promise);
    const cache = new FeedCache(store, { maxAgeMs: 1000, recheckWaitMs: 5, log: recordingLog().log, now: clock.now });
    const good = await cache.get();
    clock.advance(1000);
    const waited = await cache.get();
    expect(waited).toEqual({ snapshot: good.snapshot, stale: true });
    slow.resolve(file(SMALLER, 'e2'));
    // The next request finds the re-check done, with nothing asked of the store again.
    await expect.poll(async () => (await cache.get()).snapshot.manifest.teams.length).toBe(1);
    expect(reads).toHaveLength(2);
  });

  test('getRecent re-checks a manifest older than a second, even within maxAgeMs, and at most once a second', async () => {
    const clock = manualClock();
    const { store, reads } = scriptedStore(file(V1, 'e1'), 'not-modified');
    const cache = new FeedCache(store, { maxAgeMs: 60_000, recheckWaitMs: 1000, log: recordingLog().log, now: clock.now });
    await cache.get();
    clock.advance(999);
    await cache.getRecent();
    expect(reads).toHaveLength(1);
    clock.advance(1);
    await cache.getRecent();
    expect(reads).toHaveLength(2);
    for (let i = 0; i < 5; i++) await cache.getRecent();
    await cache.get();
    expect(reads).toHaveLength(2);
  });
});
