/**
 * GitHub's signed download links, kept for as long as they work. Asking GitHub for an asset
 * (`GET releases/assets/{id}`, answered with a redirect) costs one API call from the token's hourly
 * budget; the link it redirects to does not, and serves any number of downloads and Range
 * requests until it expires. So each link is asked for once and reused until shortly before then.
 */

/**
 * When a signed URL stops working, as its own query says, in epoch ms; null when it does not say.
 * - Azure SAS, GitHub's links since mid-2025 (release-assets.githubusercontent.com, PyGithub/PyGithub#3315):
 *   `se`, an ISO 8601 time, about 50 minutes out (plengauer/Thoth#3748).
 * - S3 signature v4, the older objects.githubusercontent.com links: `X-Amz-Date` (`20240718T144553Z`)
 *   plus `X-Amz-Expires` seconds, 300 there (DataDog/documentation#24206).
 */
export function signedUrlExpiry(url: string): number | null {
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return null;
  }
  const se = query.get('se');
  if (se !== null) {
    const at = Date.parse(se);
    return Number.isFinite(at) ? at : null;
  }
  const date = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(query.get('X-Amz-Date') ?? '');
  const expires = Number(query.get('X-Amz-Expires') ?? Number.NaN);
  if (!date || !Number.isFinite(expires)) return null;
  // The pattern matched, so all six parts are there; the defaults only satisfy the type.
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = date.slice(1).map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, s) + expires * 1000;
}

export interface SignedLinkOptions {
  readonly now?: () => number;
  /** How long before its expiry a link is no longer handed out, at most (a quarter of a shorter life). */
  readonly marginMs?: number;
  /** How long a link whose expiry cannot be read is reused. */
  readonly unknownLifetimeMs?: number;
  /** Links kept at most; the oldest go first. */
  readonly maxEntries?: number;
}

/** What a look-up brought: a link to share, or something only its caller can use (GitHub sending the bytes itself). */
export type LinkLookup<T> = { readonly link: string } | { readonly other: T };

/**
 * Signed links by key (an asset id), each reused until shortly before it expires. Concurrent
 * requests for a key with no link share one look-up, so a burst of downloads of a new bundle
 * costs one API call, not one each.
 */
export class SignedLinkCache {
  private readonly links = new Map<string, { link: string; usableUntil: number }>();
  private readonly pending = new Map<string, Promise<LinkLookup<unknown>>>();
  private readonly now: () => number;
  private readonly marginMs: number;
  private readonly unknownLifetimeMs: number;
  private readonly maxEntries: number;

  constructor(options: SignedLinkOptions = {}) {
    this.now = options.now ?? Date.now;
    this.marginMs = options.marginMs ?? 60_000;
    this.unknownLifetimeMs = options.unknownLifetimeMs ?? 60_000;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  /**
   * The link for `key`: one still good, the one a look-up under way brings, or what `lookUp` brings.
   * When a shared look-up brought something other than a link, that belongs to the caller who
   * started it; the others look up for themselves. A failed look-up fails every caller who waited on it.
   */
  async get<T>(key: string, lookUp: () => Promise<LinkLookup<T>>): Promise<LinkLookup<T>> {
    const kept = this.links.get(key);
    if (kept && this.now() < kept.usableUntil) return { link: kept.link };
    const under = this.pending.get(key);
    if (under) {
      const shared = await under;
      return 'link' in shared ? shared : lookUp();
    }
    const mine = lookUp()
      .then((found) => {
        if ('link' in found) this.keep(key, found.link);
        return found;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, mine);
    return mine;
  }

  /** The link failed (refused, expired early, or served something wrong): the next request asks GitHub afresh. */
  forget(key: string, link: string): void {
    if (this.links.get(key)?.link === link) this.links.delete(key);
  }

  private keep(key: string, link: string): void {
    const now = this.now();
    const expiry = signedUrlExpiry(link);
    const usableUntil = expiry === null ? now + this.unknownLifetimeMs : expiry - Math.min(this.marginMs, (expiry - now) / 4);
    if (usableUntil <= now) return;
    this.links.delete(key);
    this.links.set(key, { link, usableUntil });
    if (this.links.size > this.maxEntries) this.prune(now);
  }

  private prune(now: number): void {
    for (const [key, entry] of this.links) if (entry.usableUntil <= now) this.links.delete(key);
    for (const key of this.links.keys()) {
      if (this.links.size <= this.maxEntries) break;
      this.links.delete(key);
    }
  }
}
