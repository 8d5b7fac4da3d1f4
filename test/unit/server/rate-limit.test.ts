import { describe, expect, test } from 'vitest';
import { RateLimiter } from '../../../src/server/rate-limit.js';
import { manualClock } from '../../helpers/clock.js';

describe('RateLimiter', () => {
  test('a burst of `capacity` is allowed, then the wait until the next token is given in whole seconds', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ capacity: 3, refillPerSecond: 0.5, now: clock.now });
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, null]);
    expect(limiter.take('a')).toBe(2);
    clock.advance(1000);
    expect(limiter.take('a')).toBe(1);
  });

  test('tokens come back at refillPerSecond, never beyond capacity', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1, now: clock.now });
    limiter.take('a');
    limiter.take('a');
    expect(limiter.take('a')).toBe(1);
    clock.advance(1000);
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(1);
    // An hour of quiet refills to the burst, not to 3,600.
    clock.advance(3_600_000);
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, 1]);
  });

  test('a refused attempt costs nothing: waiting the time it was told is enough', () => {
    const clock = manualClock();
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 / 60, now: clock.now });
    expect(limiter.take('a')).toBeNull();
    for (let i = 0; i < 10; i++) expect(limiter.take('a')).toBe(60);
    clock.advance(30_000);
    expect(limiter.take('a')).toBe(30);
    clock.advance(30_000);
    expect(limiter.take('a')).toBeNull();
  });

  test('keys are limited apart', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1, now: manualClock().now });
    expect(limiter.take('a')).toBeNull();
    expect(limiter.take('a')).toBe(1);
    expect(limiter.take('b')).toBeNull();
  });

  test('giveBack returns a token, but never beyond capacity', () => {
    const limiter = new RateLimiter({ capacity: 2, refillPerSecond: 1, now: manualClock().now });
    limiter.take('a');
    limiter.take('a');
    limiter.giveBack('a');
    expect(limiter.take('a')).toBeNull();
    limiter.giveBack('a');
    limiter.giveBack('a');
    limiter.giveBack('a');
    expect([limiter.take('a'), limiter.take('a'), limiter.take('a')]).toEqual([null, null, 1]);
    // A key never seen has nothing to give back to, and starts full.
    limiter.giveBack('new');
    expect([limiter.take('new'), limiter.take('new'), limiter.take('new')]).toEqual([null, null, 1]);
  });

  test('beyond maxKeys the least recently seen key is forgotten (and starts full again)', () => {
    const limiter = new RateLimiter({ capacity: 1, refillPerSecond: 1 / 3600, maxKeys: 2, now: manualClock().now });
    limiter.take('a');
    limiter.take('b');
    expect(limiter.take('a')).not.toBeNull(); // seen again: now 'b' is the oldest
    limiter.take('c'); // three keys: 'b' goes
    expect(limiter.take('b')).toBeNull(); // and 'a', now the oldest, goes
    expect(limiter.take('c')).not.toBeNull();
    expect(limiter.take('a')).toBeNull();
  });
});
