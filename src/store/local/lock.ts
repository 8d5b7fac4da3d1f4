import { setTimeout as delay } from 'node:timers/promises';
import lockfile from 'proper-lockfile';
import { StoreUnavailableError } from '../errors.js';
import type { StoreLayout } from './layout.js';

/** The store's view of time, passed in so that a test need not sit out a lock wait. */
export interface StoreClock {
  /** Milliseconds since the epoch, like Date.now(). */
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** The real clock. */
export const systemClock: StoreClock = {
  now: () => Date.now(),
  sleep: (ms) => delay(ms),
};

/** A lock older than this was left by a killed process, and is taken over. */
const LOCK_STALE_MS = 10_000;
/** How long to wait for a held lock: past LOCK_STALE_MS, so a stale lock is taken over before giving up. */
const LOCK_WAIT_MS = 20_000;
const FIRST_RETRY_MS = 5;
const MAX_RETRY_MS = 100;

/**
 * Serialises read-modify-write of a store across processes: a lock folder next to the
 * marker file, held only for a few small file operations.
 */
export class StoreLock {
  constructor(
    private readonly layout: StoreLayout,
    private readonly clock: StoreClock,
  ) {}

  async hold<T>(work: () => Promise<T>): Promise<T> {
    await this.layout.ready();
    const release = await this.acquire();
    try {
      return await work();
    } finally {
      await release();
    }
  }

  private async acquire(): Promise<() => Promise<void>> {
    const deadline = this.clock.now() + LOCK_WAIT_MS;
    for (let wait = FIRST_RETRY_MS; ; wait = Math.min(wait * 1.5, MAX_RETRY_MS)) {
      let failure: NodeJS.ErrnoException;
      try {
        return await lockfile.lock(this.layout.marker, { realpath: false, stale: LOCK_STALE_MS, onCompromised: () => {} });
      } catch (error) {
        // Any failure is tried again until the deadline (a stale lock can vanish between two steps of taking it).
        failure = error as NodeJS.ErrnoException;
      }
      if (this.clock.now() >= deadline) {
        if (failure.code !== 'ELOCKED') throw failure;
        // A lock is held for milliseconds, and one left by a killed process is taken over after
        // LOCK_STALE_MS; one that outlasts that is dated in the future (clock skew, a network share).
        throw new StoreUnavailableError(
          `The store is locked: '${this.layout.marker}.lock' stayed held for over ${LOCK_STALE_MS / 1000} s. If no other publish is writing to '${this.layout.root}', delete that folder and publish again.`,
        );
      }
      await this.clock.sleep(wait);
    }
  }
}
