import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { decideUpdate } from '../../../src/capgo/decide-update.js';
import { DeviceInfoSchema } from '../../../src/capgo/device-request.js';
import { rememberedDecision } from '../../../src/capgo/remembered-decisions.js';
import { indexManifest } from '../../../src/feed/feed-snapshot.js';
import { parseManifest, type Manifest } from '../../../src/feed/manifest.js';
import type { VersionRecord } from '../../../src/feed/version-record.js';

const BASE = parseManifest(readFileSync(new URL('../../fixtures/formats/manifest/v1.json', import.meta.url)));

function bundle(version: string, rollout?: number): VersionRecord {
  return {
    id: `id-${version}`,
    app: 'rocket',
    buildType: 'release',
    version,
    name: '',
    public: false,
    created: '2026-03-01T00:00:00.000Z',
    notes: '',
    file: { assetId: `asset-${version}`, name: `bundle-${version}.zip`, size: 10, sha256: version.padEnd(64, '0'), contentType: 'application/zip', kind: 'bundle' },
    ...(rollout === undefined ? {} : { rollout }),
  };
}

const device = (id: string, over: Record<string, unknown> = {}) =>
  DeviceInfoSchema.parse({ app_id: 'com.acme.rocket', device_id: id, version_name: '1.0.0', version_build: '1.0.0', plugin_version: '8.51.14', platform: 'android', ...over });

describe('rememberedDecision', () => {
  // Two partial rollouts at once: each device's answer depends on which side of both it falls.
  const snapshot = indexManifest({ ...BASE, versions: [bundle('1.0.0'), bundle('1.1.0', 50), bundle('1.2.0', 20)] } satisfies Manifest);
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
    const plain = indexManifest({ ...BASE, versions: [bundle('1.0.0'), bundle('1.1.0')] } satisfies Manifest);
    const first = rememberedDecision({ info: device('a') }, plain);
    expect(rememberedDecision({ info: device('b') }, plain)).toBe(first);
    expect(rememberedDecision({ info: device('c'), userAgent: 'CapacitorUpdater/8.51.14' }, plain)).not.toBe(first);
    // A new manifest is a new snapshot: nothing carries over.
    expect(rememberedDecision({ info: device('a') }, indexManifest({ ...BASE, versions: [bundle('1.0.0')] }))).not.toEqual(first);
  });
});
