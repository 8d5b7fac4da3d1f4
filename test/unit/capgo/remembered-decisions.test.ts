import { describe, expect, test } from 'vitest';
import { decideUpdate } from '../../../src/capgo/decide-update.js';
import { DeviceInfoSchema } from '../../../src/capgo/device-request.js';
import { rememberedDecision } from '../../../src/capgo/remembered-decisions.js';
import { bundle, feed } from '../../helpers/capgo/bundle-feed.js';

const device = (id: string, over: Record<string, unknown> = {}) =>
  DeviceInfoSchema.parse({ app_id: 'com.acme.rocket', device_id: id, version_name: '1.0.0', version_build: '1.0.0', plugin_version: '8.51.14', platform: 'android', ...over });

describe('rememberedDecision', () => {
  // Two partial rollouts at once: each device's answer depends on which side of both it falls.
  const snapshot = feed(bundle('1.0.0'), bundle('1.1.0', { rollout: 50 }), bundle('1.2.0', { rollout: 20 }));
  const questions = Array.from({ length: 400 }, (_, i) =>
    device(`device-${i}`, i % 3 === 0 ? { version_name: 'builtin' } : i % 3 === 1 ? { plugin_version: '5.10.0', platform: 'ios' } : {}),
  );

  test('gives every device, asked in any order and again, exactly what decideUpdate gives it', () => {
    const expected = questions.map((info) => decideUpdate({ info }, snapshot));
    for (const round of [questions, [...questions].reverse(), questions]) {
      for (const info of round) expect(rememberedDecision({ info }, snapshot)).toEqual(expected[questions.indexOf(info)]);
    }
    // The rollouts split the fleet: a memo keyed without the device's side of them would have given one answer.
    expect(new Set(expected.map((d) => (d.kind === 'update' ? d.version.version : d.kind))).size).toBeGreaterThan(2);
  });

  test('devices asking the same thing from the same side of every rollout share one decision; the User-Agent is part of the question', () => {
    const plain = feed(bundle('1.0.0'), bundle('1.1.0'));
    const first = rememberedDecision({ info: device('a') }, plain);
    expect(rememberedDecision({ info: device('b') }, plain)).toBe(first);
    expect(rememberedDecision({ info: device('c'), userAgent: 'CapacitorUpdater/8.51.14' }, plain)).not.toBe(first);
    // A new manifest is a new snapshot: nothing carries over.
    expect(rememberedDecision({ info: device('a') }, feed(bundle('1.0.0')))).not.toEqual(first);
  });
});
