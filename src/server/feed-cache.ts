import { MANIFEST_PATH, parseManifest } from '../feed/manifest.js';
import type { Store } from '../store/store.js';
import { describeError, type Logger } from '../util/logger.js';
import { EMPTY_MANIFEST, indexManifest, type FeedSnapshot } from '../feed/feed-snapshot.js';
import { ERRORS, HttpError } from './responses.js';

export interface FeedState {
  readonly snapshot: FeedSnapshot;
  /** True when the latest re-check failed and this is the last good manifest. */
  readonly stale: boolean;
}

/**
 * The manifest, held in memory per server instance. It is re-checked at most every
 * `maxAgeMs` with a conditional read (unchanged costs nothing), concurrent requests
 * share one re-check, and when the store fails the last good manifest keeps serving.
 */
export class FeedCache {
  private state: FeedState | null = null;
  private etag: string | undefined;
  private checkedAt = -Infinity;
  private inflight: Promise<FeedState> | null = null;

  constructor(
    private readonly store: Store,
    private readonly options: { maxAgeMs: number; log: Logger; now?: () => number },
  ) {}

  async get(): Promise<FeedState> {
    const now = this.options.now?.() ?? Date.now();
    if (this.state && now - this.checkedAt < this.options.maxAgeMs) return this.state;
    this.inflight ??= this.refresh(now).finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async refresh(now: number): Promise<FeedState> {
    try {
      const file = await this.store.readBranchFile(MANIFEST_PATH, this.etag === undefined ? {} : { etag: this.etag });
      this.checkedAt = now;
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
      return this.state;
    } catch (error) {
      this.options.log.warn('manifest refresh failed', describeError(error));
      if (this.state) {
        this.checkedAt = now;
        this.state = { ...this.state, stale: true };
        return this.state;
      }
      throw new HttpError(503, ERRORS.feedUnavailable, { 'retry-after': '5' });
    }
  }
}
