import { describe, expect, test } from 'vitest';
import { LoginThrottle } from '../../../src/server/login-throttle.js';
import { manualClock } from '../../helpers/clock.js';

const limits = { perEmail: { burst: 2, perMinute: 6 }, perAddress: { burst: 4, perMinute: 60 } };

describe('LoginThrottle', () => {
  test('past the burst for one email, attempts wait; the wait ends with the clock, not before', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle(limits, { now: clock.now });
    expect([throttle.attempt('a@x.io', '10.0.0.1'), throttle.attempt('a@x.io', '10.0.0.2')]).toEqual([null, null]);
    expect(throttle.attempt('a@x.io', '10.0.0.3')).toBe(10);
    clock.advance(9_000);
    expect(throttle.attempt('a@x.io', '10.0.0.3')).toBe(1);
    clock.advance(1_000);
    expect(throttle.attempt('a@x.io', '10.0.0.3')).toBeNull();
  });

  test('the email is counted as normalized: case and surrounding spaces do not make a new account', () => {
    const throttle = new LoginThrottle(limits, { now: manualClock().now });
    throttle.attempt('a@x.io', '10.0.0.1');
    throttle.attempt(' A@X.io ', '10.0.0.1');
    expect(throttle.attempt('A@x.IO', '10.0.0.1')).not.toBeNull();
  });

  test('past the burst for one address, every email from it waits; other addresses do not', () => {
    const throttle = new LoginThrottle(limits, { now: manualClock().now });
    for (let i = 0; i < 4; i++) expect(throttle.attempt(`u${i}@x.io`, '10.0.0.1')).toBeNull();
    expect(throttle.attempt('fresh@x.io', '10.0.0.1')).toBe(1);
    expect(throttle.attempt('fresh@x.io', '10.0.0.2')).toBeNull();
  });

  test('an attempt refused for its email does not use up its address', () => {
    const throttle = new LoginThrottle({ perEmail: { burst: 1, perMinute: 1 }, perAddress: { burst: 2, perMinute: 1 } }, { now: manualClock().now });
    expect(throttle.attempt('a@x.io', '10.0.0.1')).toBeNull();
    for (let i = 0; i < 5; i++) expect(throttle.attempt('a@x.io', '10.0.0.1')).toBe(60);
    expect(throttle.attempt('b@x.io', '10.0.0.1')).toBeNull();
  });

  test('release gives both tokens back: right passwords never count', () => {
    const throttle = new LoginThrottle(limits, { now: manualClock().now });
    for (let i = 0; i < 10; i++) {
      expect(throttle.attempt('a@x.io', '10.0.0.1')).toBeNull();
      throttle.release('a@x.io', '10.0.0.1');
    }
  });

  test('refusals are reported at most once per interval, counted since the last report', () => {
    const clock = manualClock();
    const throttle = new LoginThrottle({ perEmail: { burst: 1, perMinute: 1 }, perAddress: { burst: 100, perMinute: 1 } }, { now: clock.now });
    expect(throttle.refusalsToReport()).toBeNull();
    throttle.attempt('a@x.io', '10.0.0.1');
    for (let i = 0; i < 3; i++) throttle.attempt('a@x.io', '10.0.0.1');
    expect(throttle.refusalsToReport()).toBe(3);
    throttle.attempt('a@x.io', '10.0.0.1');
    expect(throttle.refusalsToReport()).toBeNull();
    clock.advance(9_999);
    expect(throttle.refusalsToReport()).toBeNull();
    clock.advance(1);
    expect(throttle.refusalsToReport()).toBe(1);
    // Nothing refused since: nothing to report, however long it has been.
    clock.advance(60_000);
    expect(throttle.refusalsToReport()).toBeNull();
    // The interval can be chosen per call.
    expect([throttle.attempt('a@x.io', '10.0.0.1'), throttle.attempt('a@x.io', '10.0.0.1')]).toEqual([null, 60]);
    expect(throttle.refusalsToReport(120_000)).toBeNull();
    expect(throttle.refusalsToReport(60_000)).toBe(1);
  });
});
