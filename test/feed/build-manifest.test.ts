import { describe, expect, test } from 'vitest';
import { buildManifest } from '../../src/feed/build-manifest.js';
import { parseConfig } from '../../src/feed/config.js';
import { parseManifest, serializeManifest } from '../../src/feed/manifest.js';
import { renderReleaseBody, type ReleaseMetadata } from '../../src/feed/release-body.js';
import type { Asset, Release } from '../../src/store/types.js';
import { ValidationError } from '../../src/util/validation.js';
import { CONFIG } from '../helpers/fixtures.js';

const config = parseConfig(CONFIG);
const SHA = 'b'.repeat(64);

function asset(id: string, size = 5): Asset {
  return { id, name: 'a.apk', label: 'a.apk', size, contentType: 'application/octet-stream', digest: `sha256:${SHA}`, state: 'uploaded' };
}

function release(id: string, meta: Partial<ReleaseMetadata>, extra: Partial<Release> = {}): Release {
  const full: ReleaseMetadata = {
    updateforge: 1,
    app: 'rocket',
    buildType: 'release',
    version: '1.0.0',
    name: '',
    public: false,
    created: '2026-01-01T00:00:00.000Z',
    state: 'published',
    file: { assetId: `asset-${id}`, name: 'a.apk', size: 5, sha256: SHA, contentType: 'application/octet-stream', kind: 'binary' },
    ...meta,
  };
  return { id, tag: `t${id}`, name: '', body: renderReleaseBody('notes', full), draft: false, createdAt: full.created, assets: [asset(`asset-${id}`)], ...extra };
}

const build = (releases: Release[]) => buildManifest({ config, releases, generatedAt: new Date('2026-02-01T00:00:00Z') });

describe('building the manifest from releases', () => {
  test('lists teams and apps in declaration order with icon paths on the branch', () => {
    const { manifest } = build([]);
    expect(manifest.teams).toEqual([
      { id: 'acme', name: 'Acme' },
      { id: 'globex', name: 'Globex' },
    ]);
    expect(manifest.apps.map((a) => [a.id, a.icon])).toEqual([
      ['rocket', 'icons/rocket/rocket.png'],
      ['anvil', null],
      ['gadget', null],
    ]);
  });

  test('a published release with its asset is a version with a file; a pending draft is a version without', () => {
    const { manifest } = build([release('1', {}), release('2', { version: '1.1.0', state: 'pending', file: null }, { draft: true, assets: [] })]);
    expect(manifest.versions.map((v) => [v.id, v.version, v.file?.assetId ?? null, v.notes])).toEqual([
      ['2', '1.1.0', null, 'notes'],
      ['1', '1.0.0', 'asset-1', 'notes'],
    ]);
  });

  test('a bundle whose file list asset is gone keeps its file, without the list: devices get the whole zip', () => {
    const files = { assetId: 'list-1', size: 40, sha256: 'c'.repeat(64), count: 2 };
    const bundle = (assets: Asset[]) =>
      release('1', { file: { assetId: 'asset-1', name: 'b.zip', size: 5, sha256: SHA, contentType: 'application/zip', kind: 'bundle', files } }, { assets });
    const listAsset: Asset = { ...asset('list-1', 40), name: 'b.zip.files.json' };
    expect(build([bundle([asset('asset-1'), listAsset])]).manifest.versions[0]?.file?.files).toEqual(files);
    const { manifest, skipped } = build([bundle([asset('asset-1')])]);
    expect(manifest.versions[0]?.file).toMatchObject({ assetId: 'asset-1', kind: 'bundle' });
    expect(manifest.versions[0]?.file?.files).toBeUndefined();
    expect(skipped).toEqual([]);
  });

  test('never lists a file whose asset is missing, unfinished or of the wrong size', () => {
    const { manifest, skipped } = build([
      release('1', {}, { assets: [] }),
      release('2', { version: '2.0.0' }, { assets: [{ ...asset('asset-2'), state: 'incomplete' }] }),
      release('3', { version: '3.0.0' }, { assets: [asset('asset-3', 4)] }),
      release('4', { version: '4.0.0' }, { draft: true }),
      release('5', { version: '5.0.0', state: 'uploading', file: null }, { draft: true }),
    ]);
    expect(manifest.versions).toEqual([]);
    expect(skipped.map((s) => s.tag)).toEqual(['t1', 't2', 't3', 't4', 't5']);
  });

  test('ignores releases that are not ours, and skips apps the config no longer has', () => {
    const foreign: Release = { id: '9', tag: 'v9', name: 'x', body: 'hand-written', draft: false, createdAt: '2026-01-01T00:00:00Z', assets: [] };
    const { manifest, skipped } = build([foreign, release('1', { app: 'gone' })]);
    expect(manifest.versions).toEqual([]);
    expect(skipped).toEqual([{ tag: 't1', reason: "app 'gone' is not in updateforge.json" }]);
  });

  test('orders versions by app, build type, then newest semver first', () => {
    const { manifest } = build([release('1', { version: '1.9.0' }), release('2', { version: '1.10.0' }), release('3', { app: 'anvil' }), release('4', { buildType: 'debug' })]);
    expect(manifest.versions.map((v) => v.id)).toEqual(['2', '1', '4', '3']);
  });

  test('is validated on write and on read', () => {
    const { manifest } = build([release('1', {})]);
    expect(parseManifest(serializeManifest(manifest))).toEqual(manifest);
    const tampered = JSON.parse(Buffer.from(serializeManifest(manifest)).toString()) as { versions: { version: string }[] };
    tampered.versions[0]!.version = 'one';
    expect(() => parseManifest(Buffer.from(JSON.stringify(tampered)))).toThrow(ValidationError);
    expect(() => serializeManifest({ ...manifest, schemaVersion: 2 as 1 })).toThrow(ValidationError);
  });

  test('a newer manifest with extra fields can still be read', () => {
    const { manifest } = build([release('1', {})]);
    const newer = { ...manifest, futureIndex: [], versions: manifest.versions.map((v) => ({ ...v, futureField: 50 })) };
    expect(parseManifest(Buffer.from(JSON.stringify(newer)))).toEqual(manifest);
  });
});
