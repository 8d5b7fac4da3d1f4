import { normalizeEmail } from '../users/users.js';
import { RateLimiter } from './rate-limit.js';

export interface LoginLimits {
  /** Wrong passwords for one account: stops guessing one tester's password from many addresses. */
  readonly perEmail: { readonly burst: number; readonly perMinute: number };
  /** Wrong passwords from one client address: stops one client spraying many accounts. */
  readonly perAddress: { readonly burst: number; readonly perMinute: number };
}

/** Generous to a tester mistyping, hopeless for guessing: after the burst, six guesses a minute per account. */
export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perEmail: { burst: 10, perMinute: 6 },
  perAddress: { burst: 30, perMinute: 30 },
};

const limiter = (limit: LoginLimits['perEmail'], now: () => number) => new RateLimiter({ capacity: limit.burst, refillPerSecond: limit.perMinute / 60, maxKeys: 50_000, now });

/**
 * Counts failed logins per email and per client address, in memory (per server instance).
 * Every attempt takes a token from both buckets before its password is hashed, so a flood is
 * refused before it costs any scrypt; a right password gives its tokens back, so testers who
 * log in are never counted.
 */
export class LoginThrottle {
  private readonly emails: RateLimiter;
  private readonly addresses: RateLimiter;
  private refused = 0;
  private reportedAt = 0;
  private readonly now: () => number;

  /** `now` is the clock both buckets and the report interval read (tests pass their own). */
  constructor(limits: LoginLimits = DEFAULT_LOGIN_LIMITS, options: { now?: () => number } = {}) {
    this.now = options.now ?? Date.now;
    this.emails = limiter(limits.perEmail, this.now);
    this.addresses = limiter(limits.perAddress, this.now);
  }

  /** Null when this attempt may go on, else how many seconds to wait. */
  attempt(email: string, address: string): number | null {
    const byAddress = this.addresses.take(address);
    const wait = byAddress ?? this.emails.take(normalizeEmail(email));
    if (byAddress === null && wait !== null) this.addresses.giveBack(address);
    if (wait !== null) this.refused++;
    return wait;
  }

  /**
   * How many attempts were refused since the last report, at most once per `everyMs`
   * (else null): a flood is worth one log line now and then, not one per attempt.
   */
  refusalsToReport(everyMs = 10_000, now = this.now()): number | null {
    if (this.refused === 0 || now - this.reportedAt < everyMs) return null;
    const count = this.refused;
    this.refused = 0;
    this.reportedAt = now;
    return count;
  }

  /** The attempt did not count against anyone: a right password, or a server too busy to check it. */
  release(email: string, address: string): void {
    this.addresses.giveBack(address);
    this.emails.giveBack(normalizeEmail(email));
  }
}
