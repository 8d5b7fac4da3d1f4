import type { Store } from '../store/store.js';
import type { UserDirectory } from '../users/users.js';
import type { Logger } from '../util/logger.js';
import type { FeedCache } from './feed-cache.js';
import type { RateLimiter } from './rate-limit.js';
import type { TokenService } from './tokens.js';

/** Everything a request handler needs, handed in explicitly: the same handlers run locally, in tests and on Vercel. */
export interface ServerContext {
  readonly store: Store;
  readonly feed: FeedCache;
  readonly users: UserDirectory;
  readonly tokens: TokenService;
  readonly log: Logger;
  /** Base of the absolute URLs given to devices (`https://updates.example.com`); else the request's own origin. */
  readonly publicUrl?: string | undefined;
  /** Limits how often one device may poll for updates. */
  readonly deviceLimiter: RateLimiter;
}

const bound = new WeakMap<Request, ServerContext>();
let fallback: (() => Promise<ServerContext>) | null = null;

/** The local server ties each request to its context before handing it to a route file. */
export function bindContext(request: Request, context: ServerContext): void {
  bound.set(request, context);
}

/** How a deployment without a local server (Vercel) builds its context, once per instance. */
export function setDefaultContext(load: () => Promise<ServerContext>): void {
  let cached: Promise<ServerContext> | null = null;
  fallback = () => {
    cached ??= load().catch((error: unknown) => {
      cached = null;
      throw error;
    });
    return cached;
  };
}

export async function contextFor(request: Request): Promise<ServerContext> {
  const context = bound.get(request);
  if (context) return context;
  if (fallback) return fallback();
  throw new Error('No server context: this request did not come through the UpdateForge server.');
}
