import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decideUpdate, type UpdateDecision } from '../../../src/capgo/decide-update.js';
import { DeviceInfoSchema } from '../../../src/capgo/device-request.js';
import { bundlesStillOffered } from '../../../src/capgo/still-offered.js';
import { channelKey } from '../../../src/feed/feed-snapshot.js';
import type { VersionRecord } from '../../../src/feed/version-record.js';
import { bundle as bundleRecord, feed } from '../../helpers/capgo/bundle-feed.js';

const KEY_A = 'a'.repeat(20);
const KEY_B = 'b'.repeat(20);

interface BundleShape {
  readonly rollout: number;
  readonly minNative?: string | undefined;
  readonly yanked?: boolean;
  readonly crc32?: boolean;
  readonly keyId?: string | undefined;
}

function bundle(minor: number, shape: BundleShape): VersionRecord {
  return bundleRecord(`1.${minor}.0`, {
    file: {
      ...(shape.crc32 ? { crc32: '0badc0de' } : {}),
      ...(shape.minNative === undefined ? {} : { minNativeVersion: shape.minNative }),
      ...(shape.keyId === undefined ? {} : { encryption: { sessionKey: 'aXY=:a2V5', checksum: 'c'.repeat(512), keyId: shape.keyId } }),
    },
    ...(shape.rollout === 100 ? {} : { rollout: shape.rollout }),
    ...(shape.yanked ? { yanked: true } : {}),
  });
}

/** What a device is told to do: `update <version>`, `builtin`, or `none` (why not is left out). */
const offered = (decision: UpdateDecision) => (decision.kind === 'update' ? `update ${decision.version.version}` : decision.kind);
const offeredVersions = (versions: VersionRecord[]) => bundlesStillOffered(feed(...versions).liveBundles.get(channelKey('rocket', 'release')) ?? []).map((b) => b.version);

describe('bundlesStillOffered', () => {
  test('the newest bundle at 100% and every live bundle above it; yanked ones never', () => {
    const versions = [
      bundle(0, { rollout: 100 }),
      bundle(1, { rollout: 100 }),
      bundle(2, { rollout: 100 }),
      bundle(3, { rollout: 100, yanked: true }),
      bundle(4, { rollout: 40 }),
      bundle(5, { rollout: 0 }),
    ];
    expect(offeredVersions(versions)).toEqual(['1.5.0', '1.4.0', '1.2.0']);
  });

  test('with no bundle at 100%, every live bundle may still reach a device', () => {
    expect(offeredVersions([bundle(0, { rollout: 30 }), bundle(1, { rollout: 50 }), bundle(2, { rollout: 99 })])).toEqual(['1.2.0', '1.1.0', '1.0.0']);
  });

  test('a bundle that needs a newer native app leaves older devices on the bundle below it', () => {
    // 1.2.0 needs native 2.0: devices on native 1.x still get 1.1.0 (needs 1.0), and those below 1.0 get 1.0.0.
    const versions = [bundle(0, { rollout: 100 }), bundle(1, { rollout: 100, minNative: '1.0.0' }), bundle(2, { rollout: 100, minNative: '2.0.0' })];
    expect(offeredVersions(versions)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    // A newer bundle with a lower (or no) requirement takes every device an older one could.
    expect(offeredVersions([...versions, bundle(3, { rollout: 100, minNative: '1.0.0' })])).toEqual(['1.3.0', '1.0.0']);
    expect(offeredVersions([...versions, bundle(3, { rollout: 100 })])).toEqual(['1.3.0']);
  });

  test("a bundle encrypted with another key, or without the older one's CRC32, does not take its devices", () => {
    expect(offeredVersions([bundle(0, { rollout: 100, keyId: KEY_A }), bundle(1, { rollout: 100, keyId: KEY_B })])).toEqual(['1.1.0', '1.0.0']);
    expect(offeredVersions([bundle(0, { rollout: 100, keyId: KEY_A }), bundle(1, { rollout: 100, keyId: KEY_A })])).toEqual(['1.1.0']);
    expect(offeredVersions([bundle(0, { rollout: 100, crc32: true }), bundle(1, { rollout: 100 })])).toEqual(['1.1.0', '1.0.0']);
    expect(offeredVersions([bundle(0, { rollout: 100 }), bundle(1, { rollout: 100, crc32: true })])).toEqual(['1.1.0']);
  });

  // The words of a "no update" answer may name another bundle once the rest are gone (why the device gets nothing); what it is offered may not change.
  test('whatever the bundles, no device is ever offered one outside the set, and removing the rest changes no offer', () => {
    const shape = fc.record({
      rollout: fc.oneof(fc.constant(100), fc.integer({ min: 0, max: 100 })),
      minNative: fc.constantFrom(undefined, '1.0.0', '2.0.0', '3.0.0'),
      yanked: fc.boolean(),
      crc32: fc.boolean(),
      keyId: fc.constantFrom(undefined, undefined, KEY_A, KEY_B),
    });
    const device = fc.record({
      device_id: fc.string({ minLength: 1, maxLength: 12 }),
      version_build: fc.constantFrom('0.5.0', '1.5.0', '2.5.0', '3.5.0', 'unknown'),
      plugin_version: fc.constantFrom('8.51.14', '6.30.0', '5.10.0', '4.0.0'),
      key_id: fc.constantFrom(undefined, KEY_A, KEY_B, KEY_A.slice(0, 4)),
    });
    // Counted so the property is seen to bite: runs where bundles went, and devices that were offered one.
    const seen = { pruned: 0, updates: 0 };
    fc.assert(
      fc.property(fc.array(shape, { minLength: 1, maxLength: 8 }), fc.array(device, { minLength: 1, maxLength: 12 }), (shapes, devices) => {
        const versions = shapes.map((s, i) => bundle(i, s));
        const kept = new Set(offeredVersions(versions));
        // What a prune leaves of these bundles: the ones still offered, and the yanked ones (a plan may drop those too; devices never get them).
        const after = feed(...versions.filter((v) => v.yanked || kept.has(v.version)));
        const before = feed(...versions);
        if (versions.some((v) => !v.yanked && !kept.has(v.version))) seen.pruned++;
        for (const d of devices) {
          const info = DeviceInfoSchema.parse({ app_id: 'com.acme.rocket', version_name: 'builtin', platform: 'android', ...d });
          const decision = offered(decideUpdate({ info }, before));
          if (decision.startsWith('update ')) {
            seen.updates++;
            expect(kept.has(decision.slice('update '.length))).toBe(true);
          }
          expect(offered(decideUpdate({ info }, after))).toBe(decision);
        }
      }),
      { numRuns: 300 },
    );
    expect(seen.pruned).toBeGreaterThan(30);
    expect(seen.updates).toBeGreaterThan(300);
  });
});
