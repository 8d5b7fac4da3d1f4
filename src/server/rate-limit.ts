/**
 * A token bucket per key (a device, an email, a client address), in memory: each instance of the server limits on
 * its own. The least recently seen keys are forgotten beyond `maxKeys`, so memory
 * stays bounded whatever the number of devices.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly options: { capacity: number; refillPerSecond: number; maxKeys?: number; now?: () => number }) {}

  /** Takes one token for `key`: null when allowed, else how many seconds until the next one. */
  take(key: string): number | null {
    const now = this.options.now?.() ?? Date.now();
    const { capacity, refillPerSecond } = this.options;
    const previous = this.buckets.get(key);
    const tokens = previous ? Math.min(capacity, previous.tokens + ((now - previous.at) / 1000) * refillPerSecond) : capacity;
    this.buckets.delete(key); // re-inserted below: the Map's order is least recently seen first
    if (tokens < 1) {
      this.buckets.set(key, { tokens, at: now });
      return Math.ceil((1 - tokens) / refillPerSecond);
    }
    this.buckets.set(key, { tokens: tokens - 1, at: now });
    if (this.buckets.size > (this.options.maxKeys ?? 100_000)) this.buckets.delete(this.buckets.keys().next().value ?? '');
    return null;
  }

  /** Returns a token taken for an attempt that turned out not to count (a right password). */
  giveBack(key: string): void {
    const bucket = this.buckets.get(key);
    if (bucket) bucket.tokens = Math.min(this.options.capacity, bucket.tokens + 1);
  }
}
