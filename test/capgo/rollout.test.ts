import { randomUUID } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { inRollout } from '../../src/capgo/rollout.js';

const devices = Array.from({ length: 10_000 }, () => randomUUID());

describe('staged rollout', () => {
  test.each([1, 5, 10, 25, 50, 75, 90, 99])('offers %i%% of 10,000 random devices, within 2 points', (percent) => {
    const offered = devices.filter((deviceId) => inRollout({ deviceId, app: 'rocket', version: '2.0.0', percent })).length;
    expect(Math.abs((offered / devices.length) * 100 - percent)).toBeLessThanOrEqual(2);
  });

  test('0% offers nobody and 100% everybody', () => {
    expect(devices.some((deviceId) => inRollout({ deviceId, app: 'a', version: '1.0.0', percent: 0 }))).toBe(false);
    expect(devices.every((deviceId) => inRollout({ deviceId, app: 'a', version: '1.0.0', percent: 100 }))).toBe(true);
  });

  test('a device gets the same answer at every poll, and raising the percentage only adds devices', () => {
    const at = (percent: number) => new Set(devices.filter((deviceId) => inRollout({ deviceId, app: 'rocket', version: '2.0.0', percent })));
    const ten = at(10);
    expect(at(10)).toEqual(ten);
    const fifty = at(50);
    for (const device of ten) expect(fifty.has(device)).toBe(true);
  });

  test('each version samples different devices', () => {
    const a = devices.filter((deviceId) => inRollout({ deviceId, app: 'rocket', version: '2.0.0', percent: 10 }));
    const b = new Set(devices.filter((deviceId) => inRollout({ deviceId, app: 'rocket', version: '2.1.0', percent: 10 })));
    const overlap = a.filter((d) => b.has(d)).length / a.length;
    expect(overlap).toBeLessThan(0.2);
  });
});
