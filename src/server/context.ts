import type { FeedReader } from '../store/store.js';
import type { UserDirectory } from '../users/users.js';
import type { Logger } from '../util/logger.js';
import type { BundleFileLists } from './bundle-file-lists.js';
import type { DownloadMode } from './env-config.js';
import type { DownloadCountsCache } from './download-counts-cache.js';
import type { FeedCache } from './feed-cache.js';
import type { LoginThrottle } from './login-throttle.js';
import type { RateLimiter } from './rate-limit.js';
import type { Responses } from './responses.js';
import type { TokenService } from './tokens.js';

/** Everything a request handler needs, handed in explicitly: the same handlers run locally, in tests and on Vercel. */
export interface ServerContext {
  /** The feed, read-only: serving never writes to it. */
  readonly store: FeedReader;
  readonly feed: FeedCache;
  /** The store's download counts, for the tester page: held for minutes, never failing a request. */
  readonly downloadCounts: DownloadCountsCache;
  /** Bundles' file lists, for delta updates: read once per bundle, never their files' bytes. */
  readonly bundleFiles: BundleFileLists;
  readonly users: UserDirectory;
  readonly tokens: TokenService;
  readonly log: Logger;
  /** Base of the absolute URLs given to devices (`https://updates.example.com`); else the request's own origin. */
  readonly publicUrl?: string | undefined;
  /** Limits how often one device may poll for updates. */
  readonly deviceLimiter: RateLimiter;
  /** Limits wrong passwords per email and per client address. */
  readonly logins: LoginThrottle;
  /** How device bundle links are answered: streamed through (proxy) or sent on to the store's own signed URL (redirect). */
  readonly downloads: DownloadMode;
  /** Builds every response, with the Response class the runtime wants (the Node server's is faster). */
  readonly respond: Responses;
}
