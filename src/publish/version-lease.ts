import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { isStoreConflict } from '../store/errors.js';
import type { Store } from '../store/store.js';
import { processIsGone } from '../util/stale-temp.js';
import { PublishBusyError } from './errors.js';
import { readOnlyStore, WriteNeeded } from './read-only-store.js';

/**
 * Who is publishing: enough for another publisher to tell that this one is dead without
 * waiting for its lease to run out. A GitHub Actions job names its run, since a re-run
 * (a later attempt of the same run) only starts once the earlier attempt has ended.
 */
export interface Publisher {
  readonly host: string;
  readonly pid: number;
  readonly run?: { readonly id: string; readonly attempt: number } | undefined;
}

interface LeaseRecord {
  readonly owner: string;
  readonly publisher: Publisher;
  /** When the holder last said it is alive (ISO 8601). */
  readonly renewed: string;
}

export interface LeaseOptions {
  /** A lease not renewed for this long is abandoned (its holder died on another machine). */
  readonly leaseMs?: number;
  /** How long to wait for a live holder to finish before giving up. */
  readonly waitMs?: number;
  /** How often a waiting publisher looks again. */
  readonly pollMs?: number;
  /** Told once when this publish has to wait for another. */
  readonly onWait?: ((message: string) => void) | undefined;
  readonly now?: () => number;
}

const LEASE_MS = 120_000;
const WAIT_MS = 15 * 60_000;
const POLL_MS = 2_000;

export function currentPublisher(run?: Publisher['run']): Publisher {
  return { host: hostname(), pid: process.pid, ...(run ? { run } : {}) };
}

/**
 * One publisher at a time per version: a lease file on the manifest branch, taken and
 * renewed by compare-and-swap (the one write both stores can make atomically). Two jobs
 * publishing one version then run one after the other, so the second sees what the
 * first published (same bytes: unchanged; other bytes: a conflict) instead of both
 * writing the same release at once.
 */
export class VersionLease {
  private timer: NodeJS.Timeout | undefined;
  private lost: Error | null = null;
  private renewing: Promise<void> = Promise.resolve();

  private constructor(
    private readonly store: Store,
    private readonly file: string,
    private readonly label: string,
    private record: LeaseRecord,
    private sha: string,
    private readonly options: Required<Pick<LeaseOptions, 'leaseMs' | 'now'>>,
  ) {}

  /** Takes the lease on `tag`, waiting while another live publisher holds it. */
  static async acquire(store: Store, tag: string, publisher: Publisher, options: LeaseOptions = {}): Promise<VersionLease> {
    const leaseMs = options.leaseMs ?? LEASE_MS;
    const now = options.now ?? Date.now;
    const file = `locks/${tag}.json`;
    const owner = randomBytes(8).toString('hex');
    const record = (): LeaseRecord => ({ owner, publisher, renewed: new Date(now()).toISOString() });
    const giveUpAt = now() + (options.waitMs ?? WAIT_MS);
    let told = false;
    // Most publishes find no lease: try to create it straight away, and read only on a conflict.
    let current: Awaited<ReturnType<typeof readLease>> = null;
    for (;;) {
      if (current === null || abandoned(current.record, publisher, leaseMs, now())) {
        const mine = record();
        try {
          const { sha } = await store.writeBranchFile(file, encode(mine), { expectedSha: current?.sha ?? null, message: `Publishing ${tag}` });
          const lease = new VersionLease(store, file, tag, mine, sha, { leaseMs, now });
          lease.startRenewing();
          return lease;
        } catch (error) {
          if (!isStoreConflict(error)) throw error;
          current = await readLease(store, file); // another publisher got there first
          continue;
        }
      }
      if (now() >= giveUpAt) {
        throw new PublishBusyError(`Another publish of ${tag} (${whoHolds(current.record.publisher)}) is still under way. Run this one again once it has finished.`);
      }
      if (!told) options.onWait?.(`Waiting for another publish of ${tag} (${whoHolds(current.record.publisher)}) to finish…`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? POLL_MS));
      current = await readLease(store, file);
    }
  }

  /** Throws when the lease was lost (another publisher took it over): nothing more may be written. */
  async assertHeld(): Promise<void> {
    await this.renewing;
    if (this.lost) throw this.lost;
  }

  /**
   * Gives the lease up; a lease already lost is left to its new holder. Never fails: a lease
   * that could not be removed is taken over once it expires, or at once from this machine.
   */
  async release(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    if (this.lost) return;
    await this.store.deleteBranchFile(this.file, { expectedSha: this.sha, message: `Published ${this.label}` }).catch(() => {});
  }

  private startRenewing(): void {
    let inFlight = false;
    this.timer = setInterval(() => {
      // A renewal still under way (a slow store) is not overtaken: the second would write over a stale sha.
      if (inFlight) return;
      inFlight = true;
      this.renewing = this.renew().finally(() => {
        inFlight = false;
      });
    }, this.options.leaseMs / 4);
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    const next: LeaseRecord = { ...this.record, renewed: new Date(this.options.now()).toISOString() };
    try {
      ({ sha: this.sha } = await this.store.writeBranchFile(this.file, encode(next), { expectedSha: this.sha, message: `Publishing ${this.label}` }));
      this.record = next;
    } catch (error) {
      // A failed renewal is retried at the next tick; only a lease someone else now holds is lost.
      if (isStoreConflict(error)) {
        clearInterval(this.timer);
        this.lost = new PublishBusyError(`Another publish took over ${this.label} while this one was running (this one had stopped renewing its lease). Run it again.`);
      }
    }
  }
}

/**
 * Runs `work` on a store that refuses writes first: a run that changes nothing (a re-run)
 * needs no lease. Once `work` has to write, it runs again from the start holding the lease
 * on `tag`, so every decision it writes on was made under the lease. The lease is given up
 * however `work` ends.
 */
export async function leasedWhenWriting<T>(
  store: Store,
  tag: string,
  publisher: Publisher,
  options: LeaseOptions,
  work: (store: Store, lease: VersionLease | null) => Promise<T>,
): Promise<T> {
  try {
    return await work(readOnlyStore(store), null);
  } catch (error) {
    if (!(error instanceof WriteNeeded)) throw error;
  }
  const lease = await VersionLease.acquire(store, tag, publisher, options);
  try {
    return await work(store, lease);
  } finally {
    await lease.release();
  }
}

async function readLease(store: Store, file: string): Promise<{ record: LeaseRecord; sha: string } | null> {
  const found = await store.readBranchFile(file);
  if (found === null || found === 'not-modified') return null;
  let record: LeaseRecord | null = null;
  try {
    const parsed = JSON.parse(Buffer.from(found.content).toString('utf8')) as Partial<LeaseRecord>;
    if (typeof parsed.owner === 'string' && typeof parsed.renewed === 'string' && typeof parsed.publisher?.host === 'string') record = parsed as LeaseRecord;
  } catch {
    // a damaged lease is treated as abandoned below
  }
  return { record: record ?? { owner: '', publisher: { host: '', pid: 0 }, renewed: new Date(0).toISOString() }, sha: found.sha };
}

/** Its holder is known to be dead, or has not renewed it in time. */
function abandoned(record: LeaseRecord, me: Publisher, leaseMs: number, now: number): boolean {
  const held = record.publisher;
  if (held.host === me.host && processIsGone(held.pid)) return true;
  if (held.run && me.run && held.run.id === me.run.id && held.run.attempt < me.run.attempt) return true;
  const renewed = Date.parse(record.renewed);
  return !Number.isFinite(renewed) || now - renewed > leaseMs;
}

function whoHolds(publisher: Publisher): string {
  const run = publisher.run ? `workflow run ${publisher.run.id} attempt ${publisher.run.attempt}, ` : '';
  return `${run}process ${publisher.pid} on ${publisher.host}`;
}

function encode(record: LeaseRecord): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 2)}\n`);
}
