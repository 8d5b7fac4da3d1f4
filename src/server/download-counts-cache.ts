import type { FeedReader } from '../store/store.js';
import { describeError, type Logger } from '../util/logger.js';

/** Counts by asset id; null when none could be read yet. */
export type Counts = ReadonlyMap<string, number> | null;

/**
 * The store's download counts, held in memory per server instance so that the tester page does not
 * ask the store (on GitHub: the release listing, a request per 100 releases) on every view. A count
 * may be up to `maxAgeMs` old. Concurrent requests share one read; a request waits for it at most
 * `waitMs` (then answers with the counts it has, or none); a failed read keeps the last counts and
 * is not retried before `maxAgeMs` has passed. Counts are extras: nothing here ever throws.
 */
export class DownloadCountsCache {
  private counts: Counts = null;
  /** The asset ids the held counts were read for: an id outside them is read afresh. */
  private readFor = new Set<string>();
  private checkedAt = -Infinity;
  private inflight: Promise<Counts> | null = null;

  constructor(
    private readonly store: FeedReader,
    private readonly options: { maxAgeMs: number; waitMs: number; log: Logger; now?: () => number },
  ) {}

  /** The counts of `assetIds` (the feed's files), as of at most `maxAgeMs` ago when the store answers. */
  async get(assetIds: readonly string[]): Promise<Counts> {
    const fresh = this.now() - this.checkedAt < this.options.maxAgeMs;
    if (fresh && assetIds.every((id) => this.readFor.has(id))) return this.counts;
    this.inflight ??= this.refresh(assetIds).finally(() => {
      this.inflight = null;
    });
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<Counts>((resolve) => {
      timer = setTimeout(() => resolve(this.counts), this.options.waitMs);
    });
    try {
      return await Promise.race([this.inflight, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async refresh(assetIds: readonly string[]): Promise<Counts> {
    const startedAt = this.now();
    try {
      this.counts = await this.store.downloadCounts(assetIds);
      this.readFor = new Set(assetIds);
      this.checkedAt = startedAt;
    } catch (error) {
      this.options.log.warn('download counts unavailable', describeError(error));
      // Counted from the failure: the page goes on without counts (or with the last ones) until the next try.
      this.readFor = new Set([...this.readFor, ...assetIds]);
      this.checkedAt = this.now();
    }
    return this.counts;
  }
}
