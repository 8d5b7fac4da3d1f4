import type { FeedReader } from '../store/store.js';
import { UserDirectory, type User } from '../users/users.js';
import type { Logger } from '../util/logger.js';
import type { ServerContext } from './context.js';
import type { DownloadMode } from './env-config.js';
import { BundleFileLists } from './bundle-file-lists.js';
import { DownloadCountsCache } from './download-counts-cache.js';
import { FeedCache } from './feed-cache.js';
import { LoginThrottle, type LoginLimits } from './login-throttle.js';
import { RateLimiter } from './rate-limit.js';
import { nativeResponses, type Responses } from './responses.js';
import { TokenService } from './tokens.js';

/**
 * How long the tester page's download counts are held: on GitHub a read lists every release (a request
 * per 100), so a busy page costs that at most every five minutes, and a count is at most that stale.
 */
export const DOWNLOAD_COUNTS_MAX_AGE_MS = 5 * 60_000;

/** Wires a server context; throws ServerConfigError (before anything listens) when the secret is weak. */
export function createServerContext(options: {
  store: FeedReader;
  users: readonly User[];
  jwtSecret: string | undefined;
  log: Logger;
  /** How long the manifest is trusted before a (conditional) re-read. */
  manifestMaxAgeMs?: number;
  /** How long a request waits on a re-read before the last good manifest answers (default 2 s). */
  manifestRecheckWaitMs?: number;
  /** How long download counts are held before the store is asked again (default DOWNLOAD_COUNTS_MAX_AGE_MS): how stale the page's counts may be. */
  downloadCountsMaxAgeMs?: number;
  publicUrl?: string | undefined;
  /** Update checks one device may make in a burst, and per minute after it. */
  devicePolls?: { burst: number; perMinute: number };
  downloads?: DownloadMode;
  /** Wrong passwords allowed per email and per client address (DEFAULT_LOGIN_LIMITS). */
  loginLimits?: LoginLimits;
  /** The clock the manifest's age, device polls, login attempts and tokens are measured with (default Date.now). */
  now?: () => number;
  /** The Response class the runtime wants (default the native one). */
  respond?: Responses;
}): ServerContext {
  const tokens = new TokenService(options.jwtSecret ?? '', options.now);
  return {
    store: options.store,
    feed: new FeedCache(options.store, {
      maxAgeMs: options.manifestMaxAgeMs ?? 1000,
      recheckWaitMs: options.manifestRecheckWaitMs ?? 2000,
      log: options.log,
      ...(options.now ? { now: options.now } : {}),
    }),
    downloadCounts: new DownloadCountsCache(options.store, {
      maxAgeMs: options.downloadCountsMaxAgeMs ?? DOWNLOAD_COUNTS_MAX_AGE_MS,
      // Counts are extras: a page waits for them less than for the manifest.
      waitMs: Math.min(options.manifestRecheckWaitMs ?? 2000, 1000),
      log: options.log,
      ...(options.now ? { now: options.now } : {}),
    }),
    bundleFiles: new BundleFileLists(options.store, options.now),
    users: new UserDirectory(options.users),
    tokens,
    log: options.log,
    publicUrl: options.publicUrl?.replace(/\/+$/, ''),
    deviceLimiter: new RateLimiter({
      capacity: options.devicePolls?.burst ?? 20,
      refillPerSecond: (options.devicePolls?.perMinute ?? 20) / 60,
      ...(options.now ? { now: options.now } : {}),
    }),
    logins: new LoginThrottle(options.loginLimits, options.now ? { now: options.now } : {}),
    downloads: options.downloads ?? 'proxy',
    respond: options.respond ?? nativeResponses,
  };
}
