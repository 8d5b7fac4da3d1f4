import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, test } from 'vitest';
import { selectCurrentAndPending } from '../../src/feed/select.js';
import { compareVersions, describeBadVersion, parseStrictVersion, precedenceKey } from '../../src/feed/version.js';
import type { VersionRecord } from '../../src/feed/version-record.js';

function record(version: string, hasFile: boolean, kind: 'binary' | 'bundle' = 'binary'): VersionRecord {
  return {
    id: `id-${version}-${hasFile}`,
    app: 'a',
    buildType: 'release',
    version,
    name: '',
    public: false,
    created: '2026-01-01T00:00:00.000Z',
    notes: '',
    file: hasFile ? { assetId: 'x', name: kind === 'binary' ? 'a.apk' : 'a.zip', size: 1, sha256: '0'.repeat(64), contentType: 'application/octet-stream', kind } : null,
  };
}

describe('strict versions', () => {
  test.each(['1.2.3', '0.0.0', '1.2.3-rc.1', '1.2.3+build.5', '10.20.30-alpha.beta+exp.sha.5114f85'])('accepts %s', (v) => {
    expect(parseStrictVersion(v)?.version).toBe(precedenceKey(v));
  });

  test.each(['v1.2.3', '=1.2.3', ' 1.2.3', '1.2', '01.2.3', '1.2.3.4', 'latest', ''])('refuses %j', (v) => {
    expect(parseStrictVersion(v)).toBeNull();
  });

  test('explains a refused version with the likely fix', () => {
    expect(describeBadVersion('v1.2.3')).toBe("'v1.2.3' is not a strict semantic version. Did you mean '1.2.3'?");
    expect(describeBadVersion('banana')).toContain('Expected MAJOR.MINOR.PATCH');
  });

  test('orders by semver precedence, not by text', () => {
    expect(compareVersions('1.10.0', '1.9.0')).toBe(1);
    expect(compareVersions('1.2.0', '1.2.0-rc.1')).toBe(1);
    expect(compareVersions('1.2.0-rc.10', '1.2.0-rc.9')).toBe(1);
    expect(compareVersions('1.2.0+b', '1.2.0+a')).toBe(0);
  });
});

describe('current and pending', () => {
  test('current is the highest version with a file, pending the highest without', () => {
    const picked = selectCurrentAndPending([record('1.9.0', true), record('1.10.0', true), record('1.2.0-rc.1', true), record('2.0.0-rc.1', false), record('1.11.0', false)]);
    expect(picked.current?.version).toBe('1.10.0');
    expect(picked.pending?.version).toBe('2.0.0-rc.1');
  });

  test('a release beats its own pre-release', () => {
    expect(selectCurrentAndPending([record('1.2.0-rc.1', true), record('1.2.0', true)]).current?.version).toBe('1.2.0');
  });

  // WEB_API.md, "Typical client flow": the companion app downloads current and installs it as an
  // APK. A live-update bundle (a zip for the Capgo plugin) is not installable, so it never becomes
  // testers' current: binaries and bundles share one version line, and each side sees its own kind.
  test("a newer live-update bundle does not replace testers' current build", () => {
    const picked = selectCurrentAndPending([record('1.2.0', true), record('1.2.1', true, 'bundle'), record('1.2.2', true, 'bundle')]);
    expect(picked.current?.version).toBe('1.2.0');
    expect(picked.current?.file?.kind).toBe('binary');
    expect(picked.pending).toBeNull();
  });

  test('a feed of bundles only has no current build for testers', () => {
    expect(selectCurrentAndPending([record('1.0.0', true, 'bundle'), record('1.1.0', false)])).toEqual({ current: null, pending: expect.objectContaining({ version: '1.1.0' }) });
  });

  test('both are null when there are no versions', () => {
    expect(selectCurrentAndPending([])).toEqual({ current: null, pending: null });
  });

  const versionArb = fc
    .tuple(fc.nat(20), fc.nat(20), fc.nat(20), fc.option(fc.constantFrom('alpha', 'beta.1', 'rc.1', 'rc.10', 'rc.9'), { nil: undefined }))
    .map(([a, b, c, pre]) => `${a}.${b}.${c}${pre ? `-${pre}` : ''}`);

  test('matches semver.maxSatisfying-style selection for any set of versions', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(versionArb, fc.boolean()), { selector: ([v]) => v, maxLength: 30 }), (entries) => {
        const picked = selectCurrentAndPending(entries.map(([v, f]) => record(v, f)));
        const withFile = entries.filter(([, f]) => f).map(([v]) => v);
        const without = entries.filter(([, f]) => !f).map(([v]) => v);
        expect(picked.current?.version ?? null).toBe(withFile.length ? semver.rsort([...withFile])[0] : null);
        expect(picked.pending?.version ?? null).toBe(without.length ? semver.rsort([...without])[0] : null);
      }),
    );
  });
});
