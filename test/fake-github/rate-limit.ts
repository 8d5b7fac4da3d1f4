/**
 * GitHub's primary rate limit for the REST API, kept per token as GitHub keeps it per user or
 * installation. Every rule here is from "Rate limits for the REST API"
 * (https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api) unless it says otherwise:
 * - a budget of requests per hour: 5,000 for a token ("Primary rate limit for authenticated users"),
 *   60 for unauthenticated requests, which count against the caller's address;
 * - each answer carries `x-ratelimit-limit`, `-remaining`, `-used`, `-reset` (UTC epoch seconds) and
 *   `-resource` ("Checking the status of your rate limit");
 * - past the budget: "a `403` or `429` response, and the `x-ratelimit-remaining` header will be `0`"
 *   until `x-ratelimit-reset` ("Exceeding the rate limit"). The body is the one users quote:
 *   `API rate limit exceeded for user ID …` (ghuser-io/db#2), `… for installation ID …` for an app's
 *   token (`ghs_`, as GITHUB_TOKEN: bobheadxi/deployments#67, github/codeql#5106), and for an
 *   address `API rate limit exceeded for <ip>. (But here's the good news: …)` (Justintime50/github-archive#54);
 * - a 304 is free: "Making a conditional request does not count against your primary rate limit if a
 *   `304` response is returned and the request was made while correctly authorized with an
 *   `Authorization` header" (https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate).
 * Not modelled: whether GitHub still answers a matching conditional request with 304 once the budget is
 * spent. The docs do not say; the fake refuses it like any other, the conservative reading.
 */
export class RateLimits {
  /** A token's budget per window unless `setLimit` gave it another. */
  defaultLimit = 5000;
  /** The budget of unauthenticated requests (one address: the tests'). */
  anonymousLimit = 60;
  windowMs = 3_600_000;
  /** GitHub answers an exhausted budget with either. */
  refuseWith: 403 | 429 = 403;
  private readonly limits = new Map<string, number>();
  private readonly windows = new Map<string, { used: number; resetAt: number }>();
  private readonly consumedBy = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Gives `token` its own budget per window, e.g. 1,000 as GITHUB_TOKEN has per repository. */
  setLimit(token: string, limit: number): void {
    this.limits.set(token, limit);
  }

  /** `token`'s window as it stands now (a fresh one once the last has reset). */
  status(token: string | null): { limit: number; used: number; remaining: number; resetAt: number } {
    const key = token ?? ANONYMOUS;
    const limit = token === null ? this.anonymousLimit : (this.limits.get(token) ?? this.defaultLimit);
    const window = this.window(key);
    return { limit, used: window.used, remaining: Math.max(0, limit - window.used), resetAt: window.resetAt };
  }

  /** Counts one request against `token`'s budget. */
  charge(token: string | null): void {
    const key = token ?? ANONYMOUS;
    this.window(key).used++;
    this.consumedBy.set(key, (this.consumedBy.get(key) ?? 0) + 1);
  }

  /** Requests that counted against `token`'s budget since the fake started, across windows (null: unauthenticated ones). */
  consumed(token: string | null): number {
    return this.consumedBy.get(token ?? ANONYMOUS) ?? 0;
  }

  /** The headers GitHub sends with every answer. */
  headers(token: string | null): Record<string, string> {
    const { limit, used, remaining, resetAt } = this.status(token);
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(remaining),
      'x-ratelimit-used': String(used),
      'x-ratelimit-reset': String(Math.ceil(resetAt / 1000)),
      'x-ratelimit-resource': 'core',
    };
  }

  /** GitHub's answer to a request past the budget, or null while some is left. */
  refusal(token: string | null, address: string): { status: number; body: Record<string, string> } | null {
    if (this.status(token).remaining > 0) return null;
    const who = token === null ? address : token.startsWith('ghs_') ? `installation ID ${fakeId(token)}` : `user ID ${fakeId(token)}`;
    const goodNews = token === null ? " (But here's the good news: Authenticated requests get a higher rate limit. Check out the documentation for more details.)" : '';
    return {
      status: this.refuseWith,
      body: {
        message: `API rate limit exceeded for ${who}.${goodNews}`,
        documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api',
        status: String(this.refuseWith),
      },
    };
  }

  private window(key: string): { used: number; resetAt: number } {
    const now = this.now();
    let window = this.windows.get(key);
    // The window starts with the first request counted in it and lasts the hour that `x-ratelimit-reset` ends.
    if (!window || now >= window.resetAt) {
      window = { used: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    return window;
  }
}

const ANONYMOUS = '(unauthenticated)';

/** A stable numeric id for a token, standing in for the user or installation GitHub would name. */
function fakeId(token: string): number {
  let hash = 0;
  for (const char of token) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 1000 + (hash % 9_000_000);
}
