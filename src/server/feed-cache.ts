import { MANIFEST_PATH, parseManifest } from '../feed/manifest.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { FeedReader } from '../store/store.js';
import { errorMessage } from '../util/error-message.js';
import { describeError, type Logger } from '../util/logger.js';
import { EMPTY_MANIFEST, indexManifest, type FeedSnapshot } from '../feed/feed-snapshot.js';

const RECENT_MS = 1000;

export interface FeedState {
  readonly snapshot: FeedSnapshot;
  /** True when the latest re-check failed and this is the last good manifest. */
  readonly stale: boolean;
}

/**
 * The manifest, held in memory per server instance. It is re-checked at most every
 * `maxAgeMs` with a conditional read (unchanged costs nothing), concurrent requests
 * share one re-check, and when the store fails the last good manifest keeps serving.
 * A request waits for a re-check at most `recheckWaitMs`: past that, a slow store is
 * treated as a failing one for this request, while the re-check carries on.
 */
export class FeedCache {
  private state: FeedState | null = null;
  private etag: string | undefined;
  private checkedAt = -Infinity;
  private inflight: Promise<FeedState> | null = null;
  /** The answer while no manifest was ever read and the last try failed: given until the next re-check is due. */
  private failure: { error: Error; at: number } | null = null;

  constructor(
    private readonly store: FeedReader,
    private readonly options: { maxAgeMs: number; recheckWaitMs: number; log: Logger; now?: () => number },
  ) {}

  async get(): Promise<FeedState> {
    if (this.state && this.now() - this.checkedAt < this.options.maxAgeMs) return this.state;
    // Without it every request would ask the store again (a manifest that cannot be read costs a
    // full read each time): a failed first read is answered for the re-check interval, like a good one.
    if (this.failure && this.now() - this.failure.at < this.options.maxAgeMs) throw this.failure.error;
    this.inflight ??= this.refresh(this.now()).finally(() => {
      this.inflight = null;
    });
    const last = this.state;
    if (!last) return this.inflight;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<FeedState>((resolve) => {
      timer = setTimeout(() => resolve({ ...last, stale: true }), this.options.recheckWaitMs);
    });
    try {
      return await Promise.race([this.inflight, waited]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The manifest as of at most a second ago: for a version another instance already offers (it
   * re-checked sooner), so that a device told of a new bundle is not told "not found" here. A free
   * 304 when nothing changed, and at most one a second however many ask.
   */
  async getRecent(): Promise<FeedState> {
    if (this.state && this.now() - this.checkedAt >= RECENT_MS) this.checkedAt = -Infinity;
    return this.get();
  }

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async refresh(startedAt: number): Promise<FeedState> {
    try {
      // `recheck`: the first read already sets up the free re-checks (on GitHub, the branch's commit sha).
      const file = await this.store.readBranchFile(MANIFEST_PATH, { recheck: true, ...(this.etag === undefined ? {} : { etag: this.etag }) });
      this.checkedAt = startedAt;
      if (file === 'not-modified' && this.state) {
        if (this.state.stale) this.state = { ...this.state, stale: false };
        return this.state;
      }
      if (file === null || file === 'not-modified') {
        this.etag = undefined;
        this.state = { snapshot: indexManifest(EMPTY_MANIFEST), stale: false };
        return this.state;
      }
      const snapshot = indexManifest(parseManifest(file.content));
      this.etag = file.etag;
      this.state = { snapshot, stale: false };
      this.failure = null;
      return this.state;
    } catch (error) {
      this.options.log.warn('manifest refresh failed', describeError(error));
      if (this.state) {
        // Counted from the failure, not the start: a store that took long to fail gets its rest too.
        this.checkedAt = this.now();
        this.state = { ...this.state, stale: true };
        return this.state;
      }
      const retryAfterSeconds = error instanceof StoreUnavailableError ? error.retryAfterSeconds : undefined;
      const answer = new StoreUnavailableError(`the feed's manifest cannot be read: ${errorMessage(error)}`, {
        cause: error,
        ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
      });
      this.failure = { error: answer, at: this.now() };
      throw answer;
    }
  }
}
