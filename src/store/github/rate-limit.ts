/**
 * GitHub's rate limits as a server must treat them: a request is never held while a limit is
 * waited out (a tester or a device would wait minutes, far past any function's time limit); the
 * server answers "come back in N seconds" instead, and does not ask GitHub again before then.
 * The rules are GitHub's ("Exceeding the rate limit",
 * https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api, and "Handle rate
 * limit errors appropriately", https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api):
 * - primary limit: 403 or 429 with `x-ratelimit-remaining: 0`; wait until `x-ratelimit-reset` (epoch seconds);
 * - secondary limit: 403 or 429 naming it; wait `retry-after` seconds when given, else at least a minute;
 * - "Continuing to make requests while you are rate limited may result in the banning of your integration."
 */

type Headers = Readonly<Record<string, string | number | undefined>>;

/** The longest wait ever passed on: a primary window is an hour. */
const MAX_WAIT_S = 3600;
/** "Otherwise, wait for at least one minute before retrying." */
const UNKNOWN_WAIT_S = 60;

/** Seconds to wait before asking GitHub again, from the headers of its rate-limit answer. */
export function retryAfterSeconds(headers: Headers, now: number = Date.now()): number {
  const retryAfter = Number(headers['retry-after']);
  if (headers['retry-after'] !== undefined && Number.isFinite(retryAfter) && retryAfter >= 0) return clamp(Math.ceil(retryAfter));
  const reset = Number(headers['x-ratelimit-reset']);
  if (String(headers['x-ratelimit-remaining']) === '0' && Number.isFinite(reset) && reset > 0) return clamp(Math.ceil(reset - now / 1000));
  return UNKNOWN_WAIT_S;
}

/** Whether a GitHub answer is a rate limit (primary or secondary): every 429 is, a 403 only when it says so. */
export function isRateLimitAnswer(status: number, headers: Headers, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return String(headers['x-ratelimit-remaining']) === '0' || headers['retry-after'] !== undefined || /rate limit/i.test(message);
}

function clamp(seconds: number): number {
  return Math.min(Math.max(seconds, 1), MAX_WAIT_S);
}

/**
 * Closed while GitHub has asked this client to wait: requests made meanwhile fail at once,
 * without reaching GitHub, and say how long is left.
 */
export class RateLimitGate {
  private openAt = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /** GitHub asked for `seconds` of quiet. */
  close(seconds: number): void {
    this.openAt = Math.max(this.openAt, this.now() + clamp(seconds) * 1000);
  }

  /** Whole seconds until requests may go out again; 0 when they may now. */
  secondsLeft(): number {
    const left = this.openAt - this.now();
    return left > 0 ? Math.ceil(left / 1000) : 0;
  }
}
