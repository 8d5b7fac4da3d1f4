import { promisify } from 'node:util';

/**
 * Simulated time for the scale model: one hour of a deployment's life in a minute or two.
 *
 * The server reads time through `Date` in many places (FeedCache's manifest age, the
 * per-device poll limiter, the download links' signing and expiry, the tester-token cache,
 * jose's `exp` checks, Octokit's rate-limit arithmetic) and the fake GitHub reads it for its
 * signed URLs' expiry and its rate-limit window. None of those take a clock from the
 * deployment's entry point (`contextFromEnv`), so the model replaces the global `Date`
 * for the length of a run: `Date.now()` and `new Date()` read this clock, every other use
 * of `Date` is untouched. Timers (`setTimeout`, undici's timeouts) stay real: they bound
 * waits on a fake GitHub that answers in microseconds, so they never fire in a healthy run.
 */
export class SimulatedClock {
  private current: number;
  private restoreDate: (() => void) | null = null;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  /** Moves time on; never back, since caches and limiters assume time only grows. */
  advanceTo(ms: number): void {
    if (ms < this.current) throw new Error(`the simulated clock cannot go back from ${this.current} to ${ms}`);
    this.current = ms;
  }

  /**
   * Makes `Date.now()` and `new Date()` read this clock until `uninstall()`. Install it before
   * anything that keeps `Date.now` as its default clock is built (SignedLinkCache, the store's and
   * the fake's rate-limit trackers take it at construction): those built earlier keep real time.
   */
  install(): void {
    if (this.restoreDate) return;
    const RealDate = globalThis.Date;
    const now = () => this.current;
    globalThis.Date = new Proxy(RealDate, {
      construct: (target, args: unknown[], newTarget) => Reflect.construct(target, args.length === 0 ? [now()] : args, newTarget) as object,
      apply: () => new RealDate(now()).toString(),
      get: (target, key, receiver) => (key === 'now' ? now : (Reflect.get(target, key, receiver) as unknown)),
    });
    this.restoreDate = () => {
      globalThis.Date = RealDate;
    };
  }

  uninstall(): void {
    this.restoreDate?.();
    this.restoreDate = null;
  }
}

/** A small seeded generator (mulberry32): the same run places devices and testers the same way every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Runs zero-delay timers as immediates until the returned function is called. Octokit's
 * throttling (Bottleneck) passes every GitHub call through about a dozen `setTimeout(fn, 0)`,
 * each at least a millisecond of idle in Node: 12-20 ms a call that is latency, not work, and that
 * would bound how fast the model can go without being part of what it measures. An immediate runs
 * them in the same order, a loop turn later, without the wait. Timers with a delay are untouched.
 */
export function hurryZeroDelayTimers(): () => void {
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  const hurried = new WeakSet<object>();
  const patched = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    if (ms !== undefined && ms > 0) return realSetTimeout(callback, ms, ...args);
    const immediate = setImmediate(callback, ...args);
    hurried.add(immediate);
    return immediate;
  }) as unknown as typeof setTimeout;
  // `util.promisify(setTimeout)` keeps working: it looks for the original's own promise form.
  Object.defineProperty(patched, promisify.custom, { value: (realSetTimeout as unknown as Record<symbol, unknown>)[promisify.custom] });
  globalThis.setTimeout = patched;
  globalThis.clearTimeout = ((handle?: NodeJS.Timeout | string | number) => {
    if (typeof handle === 'object' && hurried.has(handle)) clearImmediate(handle as unknown as NodeJS.Immediate);
    else realClearTimeout(handle);
  }) as typeof clearTimeout;
  return () => {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
  };
}
